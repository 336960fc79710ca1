import {
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  defer,
  from,
  mergeMap,
  of,
  take,
  tap,
  throwError,
} from 'rxjs';
import { batchRequestBytes, type Batch, type Envelope } from '../envelope.js';
import { AuthenticationError, InvalidOptionError, TransportError, type OperationError } from '../errors.js';
import type { PipelineMetrics } from '../metrics.js';
import { delivered, failed, rejected, type Outcome } from '../outcome.js';
import type { RetryPolicyOptions } from '../retryPolicy.js';
import type { TokenSource } from '../tokenSource.js';
import type { BatchResponse, Transport } from '../transport.js';
import { retryWithBackoff } from './retryWithBackoff.js';
import { throttle } from './throttle.js';

/** Options of {@link sendBatches}. */
export interface SendBatchesOptions {
  /** Requests in flight at once. @defaultValue 4 */
  readonly concurrency?: number;
  /** The request budget; every attempt (retries and split halves too) takes one token. @defaultValue no limit */
  readonly tokenSource?: TokenSource;
  /** Retry policy for 408/429/5xx/timeouts/network errors. @defaultValue DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicyOptions;
  /** Counters to report requests, 429s, retries and latency into. */
  readonly metrics?: PipelineMetrics;
  /** Clock for latency and retry delays. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Sends batches through a transport and turns every answer into one outcome per envelope.
 *
 * - 200: every envelope delivered. 207: the envelopes named by `errors[].batch_index` are rejected
 *   with Customer.io's reason, the rest delivered.
 * - 408/429/5xx, timeouts and network errors: retried with backoff (429 also penalizes the token
 *   source so every sender slows down); when retries run out, the envelopes fail.
 * - 400/413 for a whole batch: the operations Customer.io named are rejected; otherwise the batch is
 *   split in halves until the bad operation is alone, and the rest is delivered.
 * - 401/403: the stream errors with an {@link AuthenticationError} and nothing is retried — a retry
 *   storm on bad credentials helps nobody.
 *
 * @example
 * batches$.pipe(sendBatches(transport, { concurrency: 4, tokenSource: new TokenBucket({ rate: 100 }) }))
 */
export function sendBatches<S>(transport: Transport, options: SendBatchesOptions = {}): OperatorFunction<Batch<S>, Outcome<S>> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidOptionError('concurrency', 'an integer ≥ 1', concurrency);
  const scheduler = options.scheduler ?? asyncScheduler;
  const { tokenSource, metrics } = options;

  const attempt = (batch: Batch<S>): Observable<BatchResponse> =>
    of(batch).pipe(
      tokenSource ? throttle<Batch<S>>(tokenSource) : (source) => source,
      concatMap(() => {
        const startedAt = scheduler.now();
        metrics?.requestStarted(batch.bytes);
        return from(transport(batch)).pipe(
          take(1),
          tap({
            next: () => {
              metrics?.requestFinished(scheduler.now() - startedAt, false);
              tokenSource?.reward();
            },
            error: (error: unknown) => {
              const rateLimited = error instanceof TransportError && error.kind === 'rate_limited';
              metrics?.requestFinished(scheduler.now() - startedAt, rateLimited);
              if (rateLimited) tokenSource?.penalize(error.retryAfterMs);
            },
          }),
        );
      }),
      retryWithBackoff<BatchResponse>({ scheduler, ...options.retry, onRetry: (error, attemptNo, delayMs) => {
        metrics?.retried();
        options.retry?.onRetry?.(error, attemptNo, delayMs);
      } }),
    );

  const send = (batch: Batch<S>): Observable<Outcome<S>> =>
    attempt(batch).pipe(
      mergeMap((response) => from(outcomesOf(batch, response.errors))),
      catchError((error: unknown) => settle(batch, error)),
    );

  const settle = (batch: Batch<S>, error: unknown): Observable<Outcome<S>> => {
    // Bad credentials: stop the whole stream; the source acknowledges nothing it did not deliver.
    if (error instanceof AuthenticationError) return throwError(() => error);
    if (error instanceof TransportError && error.kind === 'auth') {
      return throwError(() => new AuthenticationError(error.message, { status: error.status, cause: error }));
    }
    const refused = error instanceof TransportError && (error.kind === 'bad_request' || error.kind === 'too_large');
    if (!refused) return from(batch.envelopes.map((envelope) => failed(envelope, asError(error))));
    // Customer.io named the bad operations: reject them, resend the rest.
    const named = namedRejections(batch, error.operationErrors);
    if (named.size > 0) {
      const rest = batch.envelopes.filter((_, index) => !named.has(index));
      const outcomes = [...named.entries()].map(([index, opError]) => rejectedByApi(batch.envelopes[index] as Envelope<S>, opError, error));
      return concat(from(outcomes), rest.length > 0 ? send(batchOf(rest)) : of());
    }
    // A lone operation the API refuses is the bad one.
    if (batch.envelopes.length === 1) return of(rejectedByApi(batch.envelopes[0] as Envelope<S>, error.operationErrors[0], error));
    // Bisect: each half is sent on its own until the bad operation is isolated.
    const middle = Math.ceil(batch.envelopes.length / 2);
    return concat(send(batchOf(batch.envelopes.slice(0, middle))), send(batchOf(batch.envelopes.slice(middle))));
  };

  return (batches) => batches.pipe(mergeMap((batch) => defer(() => send(batch)), concurrency));
}

function outcomesOf<S>(batch: Batch<S>, errors: readonly OperationError[]): Outcome<S>[] {
  const named = namedRejections(batch, errors);
  return batch.envelopes.map((envelope, index) => {
    const opError = named.get(index);
    return opError ? rejectedByApi(envelope, opError) : delivered(envelope);
  });
}

/** The errors that name an operation of this batch, by index; several for one index are joined. */
function namedRejections<S>(batch: Batch<S>, errors: readonly OperationError[]): Map<number, OperationError> {
  const named = new Map<number, OperationError>();
  for (const error of errors) {
    const index = error.batch_index;
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= batch.envelopes.length) continue;
    const earlier = named.get(index);
    named.set(index, earlier ? { ...earlier, message: `${earlier.message ?? ''}; ${error.message ?? ''}` } : error);
  }
  return named;
}

function rejectedByApi<S>(envelope: Envelope<S>, opError: OperationError | undefined, error?: TransportError): Outcome<S> {
  const reason = opError?.reason ?? (error?.kind === 'too_large' ? 'request_too_large' : 'invalid');
  return rejected(envelope, {
    reason,
    ...(opError?.field !== undefined && { field: opError.field }),
    message: opError?.message ?? error?.message ?? 'Customer.io refused the operation',
    origin: 'customerio',
  });
}

function batchOf<S>(envelopes: readonly Envelope<S>[]): Batch<S> {
  return { envelopes, bytes: batchRequestBytes(envelopes.map((envelope) => envelope.bytes)) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
