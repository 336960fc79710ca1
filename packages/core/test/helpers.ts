import { batchRequestBytes, createEnvelope, identify, type Batch, type Envelope, type Operation } from '../src/index.js';

/** An envelope for person `n` whose source reference is `n`. */
export function envelopeFor(n: number, operation: Operation = identify(`user-${n}`, { n })): Envelope<number> {
  return createEnvelope(operation, { source: n, sourceKey: `test#${n}`, producedAt: 1_700_000_000_000 });
}

/** Envelopes for persons `0..count-1`. */
export function envelopes(count: number): Envelope<number>[] {
  return Array.from({ length: count }, (_, n) => envelopeFor(n));
}

/** A batch of the given envelopes with its exact request size. */
export function batchOf<S>(items: readonly Envelope<S>[]): Batch<S> {
  return { envelopes: items, bytes: batchRequestBytes(items.map((e) => e.bytes)) };
}
