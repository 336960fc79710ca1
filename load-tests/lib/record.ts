/**
 * Accounting of one Track API answer: its latency, and whether it counts as an error.
 */
import { check } from 'k6';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { Counter, Rate, Trend } from 'k6/metrics';

/** The metrics an answer is recorded in. */
export interface CallMetrics {
  readonly latency: Trend;
  /** Every answer that is not a success, 429s included: the run's error budget. */
  readonly errors: Counter;
  /**
   * 429s alone, so a run shows whether it failed on the rate limit or on something else. A Counter
   * counts them; a Rate gives their share of all calls. Both take 1 for a 429 and 0 otherwise.
   */
  readonly rateLimited: Counter | Rate;
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
  metrics.latency.add(response.timings.duration, tags);
  const ok = okStatuses.includes(response.status);
  check(response, { [`${call} succeeded`]: () => ok });
  if (!ok) metrics.errors.add(1, { ...tags, status: String(response.status) });
  metrics.rateLimited.add(response.status === 429 ? 1 : 0, tags);
  return ok;
}
