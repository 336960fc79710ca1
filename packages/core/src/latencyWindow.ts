/** Latency percentiles in ms; 0 when nothing was measured yet. */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * The last `capacity` latencies in a fixed ring, so percentiles follow the present and memory stays
 * constant however long the pipeline runs.
 */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  /** @param capacity - samples kept; @defaultValue 2048 */
  constructor(capacity = 2048) {
    this.samples = new Float64Array(capacity);
  }

  /** Records one latency in ms. */
  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  /** Nearest-rank percentiles of the samples in the window. */
  percentiles(): LatencyPercentiles {
    if (this.count === 0) return { p50: 0, p95: 0, p99: 0 };
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}
