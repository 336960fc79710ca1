import { Box, Text } from 'ink';

/** Props of {@link Gauge}. */
export interface GaugeProps {
  readonly label: string;
  /** The current value, e.g. requests/s. */
  readonly value: number;
  /** The value of a full bar, e.g. the rate budget. */
  readonly max: number;
  /** Characters of the bar. @defaultValue 20 */
  readonly width?: number;
  /** Text after the bar. @defaultValue `value/max` */
  readonly caption?: string;
  /** Share of `max` above which the bar is yellow. @defaultValue 0.9 */
  readonly warnAt?: number;
  /** Share of `max` at or above which the bar is red, e.g. 0.95 for a rate limit. @defaultValue never red */
  readonly dangerAt?: number;
}

/**
 * A horizontal bar of `value` against `max` — how much of a budget is in use. Turns yellow above `warnAt`
 * (90%) and, when `dangerAt` is given, red from there on.
 *
 * @example
 * <Gauge label="req/s" value={92} max={100} />
 */
export function Gauge({ label, value, max, width = 20, caption, warnAt = 0.9, dangerAt }: GaugeProps) {
  const ratio = max > 0 && Number.isFinite(value) ? Math.min(1, Math.max(0, value / max)) : 0;
  const filled = Math.round(ratio * width);
  return (
    <Box gap={1}>
      <Text>{label}</Text>
      <Text color={dangerAt !== undefined && ratio >= dangerAt ? 'red' : ratio > warnAt ? 'yellow' : 'green'}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
      <Text>{caption ?? `${Math.round(value)}/${Math.round(max)}`}</Text>
    </Box>
  );
}
