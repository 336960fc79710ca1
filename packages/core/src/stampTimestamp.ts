import type { IdentifyOperation, Operation } from './operations.js';

/**
 * Stamps a person identify that has no `timestamp` with the time it was produced, in unix seconds.
 *
 * Customer.io orders the updates of a person by `timestamp`, and without one takes the time it received
 * the call: an identify retried after a later identify of the same person would then overwrite the newer
 * attributes. Stamped where it is produced, the retried older update loses. Customer.io counts whole
 * seconds, and at an equal timestamp the later arrival wins, so two updates produced within the same
 * second can still land in the order they arrive. Operations with a timestamp, and other actions, are
 * returned as they are.
 *
 * Every producer stamps through this function (today the queue producer; the importer and a gateway are to), so the rule
 * lives in one place.
 *
 * @param operation - the operation as the caller built it
 * @param producedAtMs - when it was produced, ms since the epoch (e.g. `Date.now()`)
 * @example
 * stampTimestamp(identify('42', { plan: 'pro' }), 1_700_000_000_999); // { ..., timestamp: 1_700_000_000 }
 */
export function stampTimestamp(operation: Operation, producedAtMs: number): Operation {
  if (operation.type !== 'person' || operation.action !== 'identify' || operation.timestamp !== undefined) return operation;
  // built field by field, not as `{ ...operation, timestamp }`: V8 serialises a spread copy ~1.7× slower, and the
  // importer stringifies a million of these (docs/benchmarks.md, issue 14)
  const stamped: { -readonly [K in keyof IdentifyOperation]: IdentifyOperation[K] } = { type: 'person', action: 'identify', identifiers: operation.identifiers };
  if (operation.attributes !== undefined) stamped.attributes = operation.attributes;
  if (operation.cio_relationships !== undefined) stamped.cio_relationships = operation.cio_relationships;
  stamped.timestamp = Math.floor(producedAtMs / 1000);
  return stamped;
}
