import type { MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';

/** One outcome's counts: per bucket (not cumulative), sum and count. */
interface Series {
  readonly labels: { readonly outcome: string };
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram of one label, `outcome`, that an `observe` updates with plain arithmetic: prom-client's
 * `Histogram.observe` validates and hashes the labels and builds a closure on every call (~0.9 µs, once per
 * gateway call; docs/benchmarks.md). It is registered in a prom-client `Registry`, which writes it in the same
 * exposition format as its own histograms (`_bucket{le}` cumulative with `+Inf`, `_sum`, `_count`).
 */
export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  observe(outcome: string, seconds: number): void {
    let series = this.series.get(outcome);
    if (!series) this.series.set(outcome, (series = { labels: { outcome }, buckets: new Array<number>(this.upperBounds.length + 1).fill(0), sum: 0, count: 0 }));
    let bucket = 0;
    while (bucket < this.upperBounds.length && seconds > (this.upperBounds[bucket] as number)) bucket++;
    (series.buckets[bucket] as number)++;
    series.sum += seconds;
    series.count++;
  }

  /** What the registry writes: the shape prom-client's `Histogram.get` returns. */
  get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, buckets, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, index) => {
        cumulative += buckets[index] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: 'histogram', aggregator: this.aggregator, values } as unknown as MetricObjectWithValues<MetricValueWithName<string>>);
  }

  reset(): void {
    this.series.clear();
  }
}
