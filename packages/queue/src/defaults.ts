import { DEFAULT_CONCURRENCY } from '@cioscale/core';

/**
 * The queue tier's defaults, in one place: what {@link createConsumer} uses when an option is left out
 * and what the worker's environment variables default to (apps/worker/src/config.ts reads them from
 * here). The rate budget's default is core's `DEFAULT_BUDGET` (100 req/s, burst 10).
 */
export const CONSUMER_DEFAULTS = Object.freeze({
  /** Jobs held at once per shard: two batches (`WORKER_CONCURRENCY`). */
  concurrency: 1_000,
  /** HTTP requests in flight at once (`WORKER_REQUEST_CONCURRENCY`). */
  requestConcurrency: DEFAULT_CONCURRENCY,
  /** Micro-batching (`CIO_BATCH_MAX_OPERATIONS`, `CIO_BATCH_MAX_WAIT_MS`); core's byte limit applies too. */
  batch: Object.freeze({ maxOperations: 500, maxWaitMs: 100 }),
  /** The pipeline's retries inside one BullMQ attempt (`CIO_RETRY_MAX_ATTEMPTS`); BullMQ's attempts come after. */
  retry: Object.freeze({ maxAttempts: 5, maxElapsedMs: 60_000 }),
  /** BullMQ job lock, ms (`WORKER_LOCK_DURATION_MS`). */
  lockDurationMs: 30_000,
  /** How often stalled jobs are looked for, ms (`WORKER_STALLED_INTERVAL_MS`). */
  stalledIntervalMs: 30_000,
  /** How long `close()` lets held jobs finish before returning the rest to wait, ms (`WORKER_DRAIN_TIMEOUT_MS`). */
  drainTimeoutMs: 20_000,
});
