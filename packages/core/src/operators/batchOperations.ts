import { asyncScheduler, Observable, timer } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { BATCH_ENVELOPE_OVERHEAD_BYTES, batchRequestBytes } from '../envelope.js';
import type { Batch, Envelope } from '../envelope.js';
import { DEFAULT_BATCH } from '../defaults.js';
import { ConfigurationError, OperationTooLargeError } from '../errors.js';
import { integerAtLeast, schedulerOption } from '../optionChecks.js';
import { rejected } from '../outcome.js';
import type { Rejection, RejectedOutcome } from '../outcome.js';

/** Default request-size limit: Customer.io's 500 KB minus padding for headers and rounding, as Segment does. */
export const DEFAULT_MAX_BATCH_BYTES = DEFAULT_BATCH.maxBytes;

/** When {@link batchOperations} closes a batch. */
export interface BatchOperationsOptions<S = unknown> {
  /** Largest serialized `{"batch":[...]}` request body, in UTF-8 bytes. @defaultValue {@link DEFAULT_MAX_BATCH_BYTES} (480_000) */
  readonly maxBytes?: number;
  /** Most operations in one batch. @defaultValue 1000 */
  readonly maxOperations?: number;
  /** Longest wait, in ms, from the first envelope entering an empty batch until it is sent. @defaultValue 250 */
  readonly maxWaitMs?: number;
  /** Timers of `maxWaitMs`. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Told, at once, about an envelope too large to fit a request even alone, as a `batch_too_large`
   * rejected outcome; the envelope is not batched. `deliver` checks sizes before batching, so this is for
   * standalone use. @defaultValue none: such an envelope errors the stream with an {@link OperationTooLargeError}
   */
  readonly onRejected?: (outcome: RejectedOutcome<S>) => void;
}

/** {@link BatchOperationsOptions} with every default filled in and every value checked. */
export type NormalizedBatchOptions<S = unknown> = Required<Omit<BatchOperationsOptions<S>, 'onRejected'>> & Pick<BatchOperationsOptions<S>, 'onRejected'>;

/**
 * Groups envelopes into batches bounded by request bytes, operation count and waiting time.
 *
 * <span class="informal">Like `bufferTime` with a size limit in bytes: fill a request, send it when full or late.</span>
 *
 * The batch is closed before an envelope that would push the request over `maxBytes` (so every batch
 * fits), when it holds `maxOperations`, or `maxWaitMs` after its first envelope; what is left is sent
 * when the source completes. Each batch's `bytes` is the exact request size. An anonymous event is a batch of
 * its own, emitted at once: Customer.io takes it only as a Track v1 call, one request per event. Only batches come out: an
 * envelope too large to fit even alone goes to `onRejected` as a `batch_too_large` rejected outcome at
 * once, without disturbing the batch being filled. Errors pass through and drop the unsent batch, whose
 * envelopes the source has not acknowledged.
 *
 * @param options - see {@link BatchOperationsOptions}; validated when the operator is created
 *
 * @example
 * ```ts
 * envelopes$.pipe(
 *   batchOperations({ maxOperations: 500, maxWaitMs: 100, onRejected: (outcome) => rejections.next(outcome) }),
 *   sendBatches(transport),
 * );
 * ```
 *
 * @see {@link batchRequestBytes}
 */
export function batchOperations<S>(options: BatchOperationsOptions<S> = {}): OperatorFunction<Envelope<S>, Batch<S>> {
  const { maxBytes, maxOperations, maxWaitMs, scheduler, onRejected } = normalizeBatchOptions(options);

  return (source) =>
    new Observable<Batch<S>>((subscriber) => {
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
          const rejection = tooLargeToBatch(envelope, maxBytes);
          if (rejection) {
            if (onRejected) return onRejected(rejected(envelope, rejection));
            clear();
            return subscriber.error(new OperationTooLargeError(rejection.message));
          }
          // Track v2 has no anonymous event: it goes out alone, as its own v1 request, so a batch is still one
          // request and one token of the budget. The batch being filled is left as it is.
          if (envelope.operation.type === 'anonymous') return subscriber.next({ envelopes: [envelope], bytes: batchRequestBytes([envelope.bytes]) });
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

/** The `batch_too_large` rejection of an envelope too large for a request of `maxBytes` even alone, or `undefined` when it fits. */
export function tooLargeToBatch(envelope: Envelope<unknown>, maxBytes: number): Rejection | undefined {
  const requestBytes = batchRequestBytes([envelope.bytes]);
  if (requestBytes <= maxBytes) return undefined;
  return {
    reason: 'batch_too_large',
    field: 'operation',
    message: `the operation is ${envelope.bytes} bytes; a batch request holding only it would be ${requestBytes} bytes, over the ${maxBytes}-byte limit`,
    origin: 'local',
  };
}

/** Fills in the defaults of {@link BatchOperationsOptions} and checks every value, naming the first bad one. */
export function normalizeBatchOptions<S>(options: BatchOperationsOptions<S>): NormalizedBatchOptions<S> {
  const { maxBytes = DEFAULT_BATCH.maxBytes, maxOperations = DEFAULT_BATCH.maxOperations, maxWaitMs = DEFAULT_BATCH.maxWaitMs, scheduler = asyncScheduler, onRejected } = options;
  // below this not even an empty operation `{}` would fit
  const minBytes = BATCH_ENVELOPE_OVERHEAD_BYTES + 2;
  if (!Number.isInteger(maxBytes) || maxBytes < minBytes) throw ConfigurationError.option('maxBytes', `an integer number of bytes ≥ ${minBytes}`, maxBytes);
  integerAtLeast('maxOperations', maxOperations, 1);
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw ConfigurationError.option('maxWaitMs', 'a finite number of ms ≥ 0', maxWaitMs);
  schedulerOption('scheduler', scheduler);
  if (onRejected !== undefined && typeof onRejected !== 'function') throw ConfigurationError.option('onRejected', 'a function', typeof onRejected);
  return { maxBytes, maxOperations, maxWaitMs, scheduler, ...(onRejected && { onRejected }) };
}
