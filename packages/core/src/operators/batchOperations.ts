import { asyncScheduler, Observable, timer } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { BATCH_ENVELOPE_OVERHEAD_BYTES, batchRequestBytes } from '../envelope.js';
import type { Batch, Envelope } from '../envelope.js';
import { InvalidOptionError } from '../errors.js';
import { rejected } from '../outcome.js';
import type { RejectedOutcome } from '../outcome.js';

/** Default request-size limit: Customer.io's 500 KB minus padding for headers and rounding, as Segment does. */
export const DEFAULT_MAX_BATCH_BYTES = 480_000;

/** When {@link batchOperations} closes a batch. */
export interface BatchOperationsOptions {
  /** Largest serialized `{"batch":[...]}` request body, in UTF-8 bytes. @defaultValue {@link DEFAULT_MAX_BATCH_BYTES} (480_000) */
  readonly maxBytes?: number;
  /** Most operations in one batch. @defaultValue 1000 */
  readonly maxOperations?: number;
  /** Longest wait, in ms, from the first envelope entering an empty batch until it is sent. @defaultValue 250 */
  readonly maxWaitMs?: number;
  /** Timers of `maxWaitMs`. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups envelopes into batches bounded by request bytes, operation count and waiting time.
 *
 * <span class="informal">Like `bufferTime` with a size limit in bytes: fill a request, send it when full or late.</span>
 *
 * The batch is closed before an envelope that would push the request over `maxBytes` (so every batch
 * fits), when it holds `maxOperations`, or `maxWaitMs` after its first envelope; what is left is sent
 * when the source completes. Each batch's `bytes` is the exact request size. An envelope too large to
 * fit even alone becomes a `batch_too_large` rejected outcome at once, without disturbing the batch being
 * filled. Errors pass through and drop the unsent batch, whose envelopes the source has not acknowledged.
 *
 * @param options - see {@link BatchOperationsOptions}; validated when the operator is created
 *
 * @example
 * ```ts
 * envelopes$.pipe(
 *   batchOperations({ maxOperations: 500, maxWaitMs: 100 }),
 *   // Batch | RejectedOutcome: rejected outcomes flow on to the outcome stream
 * );
 * ```
 *
 * @see {@link batchRequestBytes}
 */
export function batchOperations<S>(options: BatchOperationsOptions = {}): OperatorFunction<Envelope<S>, Batch<S> | RejectedOutcome<S>> {
  const { maxBytes, maxOperations, maxWaitMs, scheduler } = normalize(options);

  return (source) =>
    new Observable<Batch<S> | RejectedOutcome<S>>((subscriber) => {
      let buffer: Envelope<S>[] = [];
      let bufferBytes = BATCH_ENVELOPE_OVERHEAD_BYTES;
      let deadline: Subscription | undefined;

      const clear = (): void => {
        deadline?.unsubscribe();
        deadline = undefined;
        buffer = [];
        bufferBytes = BATCH_ENVELOPE_OVERHEAD_BYTES;
      };
      const flush = (): void => {
        const batch: Batch<S> = { envelopes: buffer, bytes: bufferBytes };
        // reset before emitting: a synchronous consumer may feed the source again (reentrancy)
        clear();
        if (batch.envelopes.length > 0) subscriber.next(batch);
      };

      const subscription = source.subscribe({
        next: (envelope) => {
          // a synchronous source keeps emitting after the consumer has gone (our teardown only runs once
          // `subscribe` returns): buffering those values would schedule deadlines for nothing
          if (subscriber.closed) return;
          const alone = batchRequestBytes([envelope.bytes]);
          if (alone > maxBytes) {
            subscriber.next(rejected(envelope, tooLarge(envelope.bytes, alone, maxBytes)));
            return;
          }
          // +1 for the comma before it
          if (buffer.length > 0 && bufferBytes + 1 + envelope.bytes > maxBytes) {
            flush();
            if (subscriber.closed) return;
          }
          bufferBytes += (buffer.length > 0 ? 1 : 0) + envelope.bytes;
          buffer.push(envelope);
          if (buffer.length >= maxOperations) flush();
          else if (buffer.length === 1) deadline = timer(maxWaitMs, scheduler).subscribe(flush);
        },
        error: (error: unknown) => {
          clear();
          subscriber.error(error);
        },
        complete: () => {
          flush();
          subscriber.complete();
        },
      });

      return () => {
        subscription.unsubscribe();
        // release the envelopes (and their payloads) held by an abandoned batch
        clear();
      };
    });
}

function tooLarge(bytes: number, requestBytes: number, maxBytes: number) {
  return {
    reason: 'batch_too_large',
    field: 'operation',
    message: `the operation is ${bytes} bytes; a batch request holding only it would be ${requestBytes} bytes, over the ${maxBytes}-byte limit`,
    origin: 'local',
  } as const;
}

function normalize(options: BatchOperationsOptions): Required<BatchOperationsOptions> {
  const { maxBytes = DEFAULT_MAX_BATCH_BYTES, maxOperations = 1000, maxWaitMs = 250, scheduler = asyncScheduler } = options;
  // below this not even an empty operation `{}` would fit
  const minBytes = BATCH_ENVELOPE_OVERHEAD_BYTES + 2;
  if (!Number.isInteger(maxBytes) || maxBytes < minBytes) throw new InvalidOptionError('maxBytes', `an integer number of bytes ≥ ${minBytes}`, maxBytes);
  if (!Number.isInteger(maxOperations) || maxOperations < 1) throw new InvalidOptionError('maxOperations', 'an integer ≥ 1', maxOperations);
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new InvalidOptionError('maxWaitMs', 'a finite number of ms ≥ 0', maxWaitMs);
  if (typeof scheduler.schedule !== 'function') throw new InvalidOptionError('scheduler', 'an RxJS SchedulerLike', typeof scheduler);
  return { maxBytes, maxOperations, maxWaitMs, scheduler };
}
