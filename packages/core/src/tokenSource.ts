import type { ObservableInput } from 'rxjs';

/** What a token source can say about itself, for metrics and the monitor. */
export interface TokenSourceState {
  /** Current rate in requests/s (below the ceiling after a 429 under AIMD). */
  readonly rate: number;
  /** The configured ceiling in requests/s. */
  readonly ceiling: number;
  /** Tokens available now (negative: requests already queued for future slots). */
  readonly tokens: number;
  /** Until when (ms since the epoch) requests are paused after a 429; 0 when not paused. */
  readonly pausedUntil: number;
}

/**
 * The request budget of one workspace: one token per HTTP request.
 *
 * Implemented in-process by `TokenBucket` and across processes by `@cioscale/queue`'s Redis bucket,
 * so it is asynchronous: `take()` may be a Redis round trip.
 */
export interface TokenSource {
  /** Completes (emits once) when one request may be sent. Unsubscribing gives up the wait. */
  take(): ObservableInput<unknown>;
  /** Customer.io answered 429: slow down, and pause for `retryAfterMs` when it said how long. */
  penalize(retryAfterMs?: number): void;
  /** A request succeeded: the rate may grow back towards its ceiling. */
  reward(): void;
  /** The current state, for metrics. */
  state(): TokenSourceState;
}
