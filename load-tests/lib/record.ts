/**
 * Accounting of one Track API answer: whether it succeeded, its latency when it did, and whether it was a 429.
 */
import { check } from 'k6';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { Counter, Rate, Trend } from 'k6/metrics';

/** The metrics an answer is recorded in. */
export interface CallMetrics {
  /** Latency of successful answers only: a refused or failed call (often instant) would pull the percentiles down. */
  readonly latency: Trend;
  /** Successful calls, counted: the run's minimum-work threshold reads it. */
  readonly successful: Counter;
  /** Answers that are not a success, tagged with the status: for reading a failed run, not for its verdict. */
  readonly errors: Counter;
  /** 1 for a 429, 0 for any other answer: the share of rate-limited calls, the same unit in every script. */
  readonly rateLimited: Rate;
}

/**
 * Records `response` of the call named `call`; true when its status is one of `okStatuses`.
 * Customer.io answers 200; a v2 batch some of whose operations were refused answers 207.
 */
export function recordCall(
  call: string,
  response: RefinedResponse<ResponseType | undefined>,
  metrics: CallMetrics,
  okStatuses: readonly number[] = [200],
): boolean {
  const tags = { call };
  const ok = okStatuses.includes(response.status);
  check(response, { [`${call} succeeded`]: () => ok });
  if (ok) {
    metrics.latency.add(response.timings.duration, tags);
    metrics.successful.add(1, tags);
  } else {
    metrics.errors.add(1, { ...tags, status: String(response.status) });
  }
  metrics.rateLimited.add(response.status === 429 ? 1 : 0, tags);
  return ok;
}
