/**
 * Stand-in for `k6/metrics` under Node: every sample lands in {@link samples}, by metric name.
 */

export interface Sample {
  readonly value: number;
  readonly tags: Record<string, string>;
}

export const samples = new Map<string, Sample[]>();

class Metric {
  constructor(readonly name: string) {
    samples.set(name, []);
  }

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    samples.get(this.name)?.push({ value: Number(value), tags });
  }
}

export class Counter extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
export class Gauge extends Metric {}

/** Sum of a metric's samples: a Counter's count, or the number of true values of a Rate. */
export function total(name: string): number {
  return (samples.get(name) ?? []).reduce((sum, sample) => sum + sample.value, 0);
}
