import { type Observable, type SchedulerLike, Subject, asyncScheduler, interval, map, startWith } from 'rxjs';
import { codeOf } from './errors.js';
import { LatencyWindow, type LatencyPercentiles } from './latencyWindow.js';
import type { Outcome } from './outcome.js';
import type { TokenSource, TokenSourceState } from './tokenSource.js';

/** Counters of a pipeline at one instant. Totals since start; rates are derived by readers. */
export interface MetricsSnapshot {
  /** When the snapshot was taken, ms since the epoch (scheduler time). */
  readonly at: number;
  /** Envelopes that entered the pipeline. */
  readonly operationsIn: number;
  readonly delivered: number;
  readonly rejected: number;
  readonly failed: number;
  /** HTTP requests sent, retries and split halves included. */
  readonly requests: number;
  /** Requests answered 429. */
  readonly rateLimited: number;
  /** Requests re-sent after a retryable failure. */
  readonly retries: number;
  /** Request body bytes sent. */
  readonly bytes: number;
  /** Envelopes in the pipeline without an outcome yet. */
  readonly inFlight: number;
  /** Requests awaiting an answer. */
  readonly requestsInFlight: number;
  /** Request latency over the last 2048 requests, ms. */
  readonly latency: LatencyPercentiles;
  /** The rate budget, when a token source is attached. */
  readonly tokens?: TokenSourceState;
}

/** How a request ended: answered 2xx, answered 429, or failed any other way. */
export type RequestResult = 'ok' | 'rate_limited' | 'error';

/** One finished request, for readers that keep their own aggregates (a Prometheus histogram). */
export interface FinishedRequest {
  readonly latencyMs: number;
  readonly result: RequestResult;
}

/** The {@link RequestResult} of a request that failed with `error` (by `code`, so any copy of core counts). */
export function requestResultOf(error: unknown): Exclude<RequestResult, 'ok'> {
  return codeOf(error) === 'CIO_TRANSPORT_RATE_LIMITED' ? 'rate_limited' : 'error';
}

/**
 * Counts what a pipeline does, for a UI, a Prometheus exporter or a final summary.
 *
 * The one source of a pipeline's metrics: `deliver` and `sendBatches` report into it, and every reader
 * reads from it — {@link snapshot}/{@link snapshots} for totals (a UI, the worker's reports), and
 * {@link requests}/{@link outcomes} for readers that aggregate each event themselves (a Prometheus
 * exporter's histogram), so a 429 is counted once however many readers show it. It holds counters and a
 * fixed latency window only, so it costs the same after a billion operations as after one.
 */
export class PipelineMetrics {
  private readonly latencyWindow = new LatencyWindow();
  private counts = { operationsIn: 0, delivered: 0, rejected: 0, failed: 0, requests: 0, rateLimited: 0, retries: 0, bytes: 0, requestsInFlight: 0 };
  private readonly finishedRequests = new Subject<FinishedRequest>();
  private readonly finishedOutcomes = new Subject<Outcome['status']>();

  /** Every request as it finishes. Hot: a reader sees the requests finished after it subscribed. */
  readonly requests: Observable<FinishedRequest> = this.finishedRequests.asObservable();
  /** The status of every outcome as it leaves the pipeline. Hot, like {@link requests}. */
  readonly outcomes: Observable<Outcome['status']> = this.finishedOutcomes.asObservable();

  /**
   * @param scheduler - the clock for `at`; @defaultValue asyncScheduler
   * @param tokenSource - the budget whose state snapshots include, fixed here by whoever owns both
   */
  constructor(
    private readonly scheduler: SchedulerLike = asyncScheduler,
    private readonly tokenSource?: TokenSource,
  ) {}

  /** Envelopes entered the pipeline. */
  operationsEntered(count = 1): void {
    this.counts.operationsIn += count;
  }

  /** An outcome left the pipeline. */
  outcome(outcome: Outcome): void {
    this.counts[outcome.status] += 1;
    this.finishedOutcomes.next(outcome.status);
  }

  /** A request of `bytes` was sent. */
  requestStarted(bytes: number): void {
    this.counts.requests += 1;
    this.counts.requestsInFlight += 1;
    this.counts.bytes += bytes;
  }

  /** A request got an answer (or an error) after `latencyMs`. */
  requestFinished(latencyMs: number, result: RequestResult): void {
    this.counts.requestsInFlight -= 1;
    if (result === 'rate_limited') this.counts.rateLimited += 1;
    this.latencyWindow.record(latencyMs);
    this.finishedRequests.next({ latencyMs, result });
  }

  /** A request will be re-sent. */
  retried(): void {
    this.counts.retries += 1;
  }

  /** The counters now. */
  snapshot(): MetricsSnapshot {
    const c = this.counts;
    return {
      at: this.scheduler.now(),
      ...c,
      inFlight: c.operationsIn - c.delivered - c.rejected - c.failed,
      latency: this.latencyWindow.percentiles(),
      ...(this.tokenSource && { tokens: this.tokenSource.state() }),
    };
  }

  /**
   * A snapshot every `periodMs`, starting with one at subscription.
   * @param periodMs - @defaultValue 1000
   */
  snapshots(periodMs = 1000): Observable<MetricsSnapshot> {
    return interval(periodMs, this.scheduler).pipe(
      startWith(0),
      map(() => this.snapshot()),
    );
  }
}
