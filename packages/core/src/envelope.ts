import type { Operation } from './operations.js';

/**
 * An {@link Operation} plus what the pipeline needs to route, size and acknowledge it.
 *
 * @typeParam S - the source reference type: a CSV row number, a BullMQ job, a promise's resolver…
 */
export interface Envelope<S = unknown> {
  /** The operation as it will be sent (event operations already carry `id`). */
  readonly operation: Operation;
  /** Routing key: who the operation is about (see `operationKey`). */
  readonly key: string;
  /** UTF-8 bytes of `JSON.stringify(operation)`, computed once at the edge. */
  readonly bytes: number;
  /**
   * `JSON.stringify(operation)`, when the envelope's creator kept it ({@link createEnvelope} does): a
   * transport sends it as is instead of serialising the operation a second time. It must be exactly the
   * operation's JSON; an envelope with another `operation` must not carry it over (spread without it).
   */
  readonly json?: string;
  /** Deterministic ULID: the same source record always gets the same id. */
  readonly id: string;
  /** When the source produced the operation, ms since the epoch. */
  readonly producedAt: number;
  /** Opaque reference the source uses to acknowledge the operation once its outcome is known. */
  readonly source: S;
}

/** A group of envelopes sent as one `{"batch":[...]}` request. */
export interface Batch<S = unknown> {
  readonly envelopes: readonly Envelope<S>[];
  /** UTF-8 bytes of the serialized request body `{"batch":[...]}`. */
  readonly bytes: number;
}

/** Bytes of `{"batch":[` + `]}`. */
export const BATCH_ENVELOPE_OVERHEAD_BYTES = '{"batch":[]}'.length;

/** Bytes of the serialized request body for operations of the given sizes. */
export function batchRequestBytes(operationBytes: readonly number[]): number {
  let total = BATCH_ENVELOPE_OVERHEAD_BYTES;
  for (const bytes of operationBytes) total += bytes;
  // one comma between consecutive operations
  return total + Math.max(0, operationBytes.length - 1);
}
