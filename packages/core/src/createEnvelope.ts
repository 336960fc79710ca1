import type { Envelope } from './envelope.js';
import { eventId, randomEventId } from './eventId.js';
import { utf8Bytes } from './limits.js';
import { isEventOperation, operationKey, type Operation } from './operations.js';

/** Where an operation came from; see {@link createEnvelope}. */
export interface EnvelopeSource<S> {
  /** Opaque reference used to acknowledge the operation (a row number, a job…). */
  readonly source: S;
  /**
   * What identifies the record in its source (`users.csv#1042`, a job id). With it, the envelope id
   * is deterministic and replays are deduplicated; without it the id is random.
   */
  readonly sourceKey?: string;
  /** When the source produced the operation, ms since the epoch. */
  readonly producedAt: number;
  /**
   * Time for the id's ULID time part, ms; must be stable for the record across runs.
   * @defaultValue the event's own `timestamp` when it has one, else `producedAt`
   */
  readonly idTimeMs?: number;
  /**
   * The operation's JSON as `JSON.stringify(operation)` writes it, when the caller already has it (the gateway
   * measured the operation's size on it): spares serialising the operation a second time.
   */
  readonly json?: string;
}

/**
 * `json`, the JSON text of an object, with `name: value` added as its last member: the text
 * `JSON.stringify` writes for the object with that property added (when it did not have it), without
 * serialising the object again. `value` is a string or a finite number.
 */
export function withJsonMember(json: string, name: string, value: string | number): string {
  const member = `${JSON.stringify(name)}:${JSON.stringify(value)}`;
  return json === '{}' ? `{${member}}` : `${json.slice(0, -1)},${member}}`;
}

/**
 * Wraps an operation for the pipeline: routing key, deterministic id, serialized size.
 *
 * Event, page and screen operations without an `id` get the envelope id, so Customer.io can
 * deduplicate a re-sent event. The operation is serialised here, once: its size is measured on that JSON,
 * which the envelope keeps (`json`) for the transport to send as is.
 *
 * @example
 * const envelope = createEnvelope(track('42', 'signed_up'), { source: 7, sourceKey: 'events.csv#7', producedAt: Date.now() });
 */
export function createEnvelope<S>(operation: Operation, from: EnvelopeSource<S>): Envelope<S> {
  const idTime = from.idTimeMs ?? (isEventOperation(operation) && operation.timestamp !== undefined ? operation.timestamp * 1000 : from.producedAt);
  const id =
    isEventOperation(operation) && operation.id !== undefined
      ? operation.id
      : from.sourceKey !== undefined
        ? eventId(from.sourceKey, idTime)
        : randomEventId(idTime);
  const sent = isEventOperation(operation) && operation.id === undefined ? { ...operation, id } : operation;
  // serialised once: the size is measured on the text the transport then sends (see `Envelope.json`)
  const json = from.json === undefined ? JSON.stringify(sent) : sent === operation ? from.json : withJsonMember(from.json, 'id', id);
  return {
    operation: sent,
    key: operationKey(sent),
    bytes: utf8Bytes(json),
    json,
    id,
    producedAt: from.producedAt,
    source: from.source,
  };
}
