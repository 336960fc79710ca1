import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { Envelope } from '../src/envelope.js';

/** A TestScheduler whose marble assertions fail the vitest test. */
export function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * An envelope for person `name` that claims to be `bytes` long, with `name` as its source reference.
 * The size is set, not measured, so byte limits can be tested with round numbers.
 */
export function sizedEnvelope(name: string, bytes: number): Envelope<string> {
  return {
    operation: { type: 'person', action: 'identify', identifiers: { id: name } },
    key: `id:${name}`,
    bytes,
    id: `01HZ${name.toUpperCase().padEnd(22, '0')}`,
    producedAt: 0,
    source: name,
  };
}
