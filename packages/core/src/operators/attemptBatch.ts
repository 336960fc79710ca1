import { type Observable, type SchedulerLike, concatMap, from, of, take, tap } from 'rxjs';
import type { Batch } from '../envelope.js';
import { requestResultOf, type PipelineMetrics } from '../metrics.js';
import type { TokenSource } from '../tokenSource.js';
import type { BatchResponse, Transport } from '../transport.js';
import { awaitToken } from './awaitToken.js';

/** What one attempt needs besides the transport; validated by the caller (see `sendBatches`). */
export interface AttemptBatchOptions {
  readonly tokenSource: TokenSource | undefined;
  readonly metrics: PipelineMetrics | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * One attempt at sending a batch: wait for a token, send, and record the request — its bytes, latency
 * and result in `metrics`, a success or a 429 in the token source. Retries and split halves are attempts
 * of their own, so each takes a token and counts as a request.
 *
 * @returns a function whose observable emits the answer once, or fails with the transport's error
 */
export function attemptBatch(transport: Transport, { tokenSource, metrics, scheduler }: AttemptBatchOptions): <S>(batch: Batch<S>) => Observable<BatchResponse> {
  return <S>(batch: Batch<S>) =>
    of(batch).pipe(
      tokenSource ? awaitToken<Batch<S>>(tokenSource) : (source) => source,
      concatMap(() => {
        const startedAt = scheduler.now();
        metrics?.requestStarted(batch.bytes);
        return from(transport(batch)).pipe(
          take(1),
          tap({
            next: () => {
              metrics?.requestFinished(scheduler.now() - startedAt, 'ok');
              tokenSource?.reward();
            },
            error: (error: unknown) => {
              const result = requestResultOf(error);
              metrics?.requestFinished(scheduler.now() - startedAt, result);
              if (result === 'rate_limited') tokenSource?.penalize(rawRetryAfterMs(error));
            },
          }),
        );
      }),
    );
}

/** The 429's `retryAfterMs` as sent, 0 included (a Retry-After date already past): the token source judges it. */
function rawRetryAfterMs(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}
