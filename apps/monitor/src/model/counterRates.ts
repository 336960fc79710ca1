import type { MetricsSnapshot } from '@cioscale/core';

/** The counters of a worker's snapshot that the monitor turns into rates. */
type CountedField = 'delivered' | 'rejected' | 'failed' | 'requests' | 'rateLimited' | 'retries';

/** Per-second rates of a pipeline's counters: the same fields as core's `MetricsSnapshot`, per second. */
export type CounterRates = Readonly<Pick<MetricsSnapshot, CountedField>>;

/** Recent distinct reports of one worker for one workspace, oldest first. */
export type CounterSamples = readonly MetricsSnapshot[];

/** Rates of zero, for a worker seen once or a workspace without workers. */
export const NO_RATES: CounterRates = { delivered: 0, rejected: 0, failed: 0, requests: 0, rateLimited: 0, retries: 0 };

/**
 * Takes a worker's report into its samples, keeping those of the last `windowMs` (and always the two
 * newest: a rate needs two). The same report read twice (the monitor polls out of phase with the worker's
 * publishing) changes nothing, so a rate never dips to zero between publishes; and a window of a few
 * seconds smooths the steps a counter makes when a whole batch completes at once.
 */
export function sampleReport(samples: CounterSamples | undefined, report: MetricsSnapshot, windowMs: number): CounterSamples {
  const list = samples ?? [];
  if (list[list.length - 1]?.at === report.at) return list;
  const next = [...list, report];
  return next.filter((kept, index) => index >= next.length - 2 || report.at - kept.at <= windowMs);
}

/**
 * Rates between a worker's oldest and newest kept reports, over the worker's own clock. A worker that
 * stopped publishing (`now - latest.at > staleMs`) is idle or stuck: its rates are zero, not its last ones.
 */
export function ratesOf(samples: CounterSamples, now: number, staleMs: number): CounterRates {
  const previous = samples[0];
  const latest = samples[samples.length - 1];
  if (!previous || !latest || samples.length < 2 || now - latest.at > staleMs) return NO_RATES;
  const seconds = (latest.at - previous.at) / 1000;
  if (seconds <= 0) return NO_RATES;
  // a counter going backwards means a restarted pipeline under the same id: count from zero
  const rate = (field: keyof CounterRates): number => Math.max(0, latest[field] - (latest[field] >= previous[field] ? previous[field] : 0)) / seconds;
  return { delivered: rate('delivered'), rejected: rate('rejected'), failed: rate('failed'), requests: rate('requests'), rateLimited: rate('rateLimited'), retries: rate('retries') };
}

/** Field-by-field sum. */
export function addRates(a: CounterRates, b: CounterRates): CounterRates {
  return {
    delivered: a.delivered + b.delivered,
    rejected: a.rejected + b.rejected,
    failed: a.failed + b.failed,
    requests: a.requests + b.requests,
    rateLimited: a.rateLimited + b.rateLimited,
    retries: a.retries + b.retries,
  };
}
