/**
 * Stand-in for `k6/metrics` under Node: every sample lands in {@link samples}, by metric name, and each
 * metric's kind in {@link kinds}, so a test can judge the script's thresholds as k6 would.
 */

export interface Sample {
  readonly value: number;
  readonly tags: Record<string, string>;
}

export type MetricKind = 'counter' | 'rate' | 'trend' | 'gauge';

export const samples = new Map<string, Sample[]>();
/** The kind of each metric the script created. */
export const kinds = new Map<string, MetricKind>();

class Metric {
  constructor(
    readonly name: string,
    kind: MetricKind,
  ) {
    samples.set(name, []);
    kinds.set(name, kind);
  }

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    samples.get(this.name)?.push({ value: Number(value), tags });
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Trend extends Metric {
  constructor(name: string, _isTime?: boolean) {
    super(name, 'trend');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}

/** Sum of a metric's samples: a Counter's count, or the number of true values of a Rate. */
export function total(name: string): number {
  return (samples.get(name) ?? []).reduce((sum, sample) => sum + sample.value, 0);
}
