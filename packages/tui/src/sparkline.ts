const BARS = '▁▂▃▄▅▆▇█';

/**
 * The bar characters of a sparkline: one per value, scaled from 0 to the largest value.
 *
 * @example
 * sparklineText([0, 5, 10]); // '▁▅█'
 */
export function sparklineText(values: readonly number[], width = values.length): string {
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.filter(Number.isFinite));
  return shown
    .map((value) => {
      if (!Number.isFinite(value) || max === 0) return BARS[0];
      const level = Math.round((Math.max(0, value) / max) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}
