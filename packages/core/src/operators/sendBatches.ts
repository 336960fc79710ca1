import { type OperatorFunction, type SchedulerLike, asyncScheduler, defer, mergeMap } from 'rxjs';
import { DEFAULT_CONCURRENCY } from '../defaults.js';
import type { Batch } from '../envelope.js';
import type { PipelineMetrics } from '../metrics.js';
import { ConfigurationError } from '../errors.js';
import { functionOption, integerAtLeast, nested, optionalWithMethods, schedulerOption } from '../optionChecks.js';
import type { Outcome } from '../outcome.js';
import type { RetryPolicyOptions } from '../retryPolicy.js';
import type { TokenSource } from '../tokenSource.js';
import type { BatchResponse, Transport } from '../transport.js';
import { attemptBatch } from './attemptBatch.js';
import { isolateRejections } from './isolateRejections.js';
import { retryWithBackoff } from './retryWithBackoff.js';

/** Options of {@link sendBatches}. */
export interface SendBatchesOptions {
  /** Requests in flight at once. @defaultValue {@link DEFAULT_CONCURRENCY} (4) */
  readonly concurrency?: number;
  /** The request budget; every attempt (retries and split halves too) takes one token. @defaultValue no limit */
  readonly tokenSource?: TokenSource;
  /** Retry policy for 408/429/5xx/timeouts/network errors. @defaultValue DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicyOptions;
  /** Where requests, 429s, retries and latency are recorded. @defaultValue not recorded */
  readonly metrics?: PipelineMetrics;
  /** Clock for latency and retry delays. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Sends batches through a transport and turns every answer into one outcome per envelope.
 *
 * <span class="informal">Each batch: await a token and send ({@link attemptBatch}), retry what may cure
 * itself ({@link retryWithBackoff}), isolate what Customer.io refuses ({@link isolateRejections}).</span>
 *
 * - 200: every envelope delivered. 207: the envelopes named by `errors[].batch_index` are rejected
 *   with Customer.io's reason, the rest delivered.
 * - 408/429/5xx, timeouts and network errors: retried with backoff (429 also penalizes the token
 *   source so every sender slows down); when retries run out, the envelopes fail.
 * - 400/413 for a whole batch: the operations Customer.io named are rejected; otherwise the batch is
 *   split in halves until the bad operation is alone, and the rest is delivered.
 * - 401/403: the stream errors with the {@link AuthenticationError} and nothing is retried — a retry
 *   storm on bad credentials helps nobody.
 *
 * @param options - see {@link SendBatchesOptions}; every option (`retry` too) is validated when the
 *   operator is created, with a {@link ConfigurationError} naming it
 *
 * @example
 * batches$.pipe(sendBatches(transport, { concurrency: 4, tokenSource: new TokenBucket(DEFAULT_BUDGET) }))
 */
export function sendBatches<S>(transport: Transport, options: SendBatchesOptions = {}): OperatorFunction<Batch<S>, Outcome<S>> {
  functionOption('transport', transport, 'a function sending one batch');
  const concurrency = integerAtLeast('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, 1);
  const scheduler = schedulerOption('scheduler', options.scheduler ?? asyncScheduler);
  const tokenSource = optionalWithMethods('tokenSource', options.tokenSource, ['take', 'penalize', 'reward', 'state'], 'a TokenSource');
  const metrics = optionalWithMethods('metrics', options.metrics, ['requestStarted', 'requestFinished', 'retried'], 'a PipelineMetrics');
  const retry = retryOption(options.retry);

  const attempt = attemptBatch(transport, { tokenSource, metrics, scheduler });
  // built once: the policy is checked here, not when the first batch fails
  const retrying = nested('retry', () =>
    retryWithBackoff<BatchResponse>({
      scheduler,
      ...retry,
      onRetry: (error, attemptNo, delayMs) => {
        metrics?.retried();
        retry?.onRetry?.(error, attemptNo, delayMs);
      },
    }),
  );
  const outcomesOf = isolateRejections(<T>(batch: Batch<T>) => attempt(batch).pipe(retrying));

  return (batches) => batches.pipe(mergeMap((batch) => defer(() => outcomesOf(batch)), concurrency));
}

/** `retry` when it is an object whose `onRetry`, if any, is a function (the policy checks the rest). */
function retryOption(retry: RetryPolicyOptions | undefined): RetryPolicyOptions | undefined {
  if (retry === undefined) return undefined;
  if (typeof retry !== 'object' || retry === null) throw ConfigurationError.option('retry', 'an object of retry options', typeof retry);
  if (retry.onRetry !== undefined) functionOption('retry.onRetry', retry.onRetry, 'a function');
  return retry;
}
