/**
 * Every default of the core pipeline, in one place. Other packages read these instead of repeating the
 * numbers (the queue tier's own defaults are in `@cioscale/queue`'s `defaults.ts`).
 */

/**
 * The request budget of a workspace when none is configured: 100 requests/s with bursts of 10.
 * The product brief plans around ~100 req/s per workspace; Customer.io documents a higher soft limit,
 * so this errs on the safe side and every budget is configurable.
 */
export const DEFAULT_BUDGET = Object.freeze({ rate: 100, burst: 10 } as const);

/**
 * When a batch request closes: Customer.io's 500 KB request limit minus padding for headers and
 * rounding (as Segment does), at most 1000 operations, at most 250 ms after its first operation.
 */
export const DEFAULT_BATCH = Object.freeze({ maxBytes: 480_000, maxOperations: 1000, maxWaitMs: 250 } as const);

/** Requests in flight at once in `sendBatches` and `deliver`. */
export const DEFAULT_CONCURRENCY = 4;

/**
 * The numbers of the default retry policy (`DEFAULT_RETRY_POLICY` adds the jitter source, the
 * retryable test and the scheduler): 8 attempts, backoff ceilings from 250 ms doubling up to 30 s,
 * 5 minutes in all.
 */
export const DEFAULT_RETRY = Object.freeze({ maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 30_000, maxElapsedMs: 300_000 } as const);
