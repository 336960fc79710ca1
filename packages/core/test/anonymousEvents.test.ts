import { describe, expect, it } from 'vitest';
import { batchRequestBytes } from '../src/envelope.js';
import type { Batch, Envelope } from '../src/envelope.js';
import { createEnvelope, identify, isEventOperation, operationKey, trackAnonymous, validateOperation } from '../src/index.js';
import { batchOperations } from '../src/operators/batchOperations.js';
import { newTestScheduler, sizedEnvelope } from './timeHelpers.js';

const anonymousEnvelope = (name: string, anonymousId = `anon-${name}`): Envelope<string> => ({
  ...createEnvelope(trackAnonymous(anonymousId, name), { source: name, sourceKey: name, producedAt: 1_700_000_000_000 }),
});

describe('trackAnonymous', () => {
  it('builds a Track v1 anonymous event: name, anonymous_id, data and the event type', () => {
    expect(trackAnonymous('cookie-1', 'https://example.com/pricing', { plan: 'pro' }, { type: 'page', timestamp: 1_700_000_000 })).toEqual({
      type: 'anonymous',
      action: 'page',
      anonymous_id: 'cookie-1',
      name: 'https://example.com/pricing',
      attributes: { plan: 'pro' },
      timestamp: 1_700_000_000,
    });
    expect(trackAnonymous(undefined, 'invited')).toEqual({ type: 'anonymous', action: 'event', name: 'invited' });
  });

  it('gets a deterministic event id, like a person event, so a re-sent event is deduplicated', () => {
    const first = createEnvelope(trackAnonymous('cookie-1', 'clicked'), { source: 1, sourceKey: 'k', producedAt: 1_700_000_000_000 });
    const again = createEnvelope(trackAnonymous('cookie-1', 'clicked'), { source: 2, sourceKey: 'k', producedAt: 1_700_000_000_000 });
    expect(isEventOperation(first.operation)).toBe(true);
    expect(first.operation).toMatchObject({ id: first.id });
    expect(again.id).toBe(first.id);
  });

  it('is routed by its anonymous_id, or by its own id when it has none', () => {
    expect(operationKey(trackAnonymous('cookie-1', 'clicked'))).toBe('anonymous_id:cookie-1');
    expect(createEnvelope(trackAnonymous(undefined, 'x', undefined, { id: '01HZ0000000000000000000000' }), { source: 0, producedAt: 0 }).key).toBe('anonymous_event:01HZ0000000000000000000000');
  });
});

describe('validateOperation of anonymous events', () => {
  it('refuses an empty anonymous_id, a missing name and v1 data over 100,000 bytes, naming the field', () => {
    expect(validateOperation(trackAnonymous('', 'x'))).toMatchObject({ reason: 'invalid_anonymous_id', field: 'anonymous_id' });
    expect(validateOperation(trackAnonymous('a', ''))).toMatchObject({ reason: 'event_name_missing', field: 'name' });
    expect(validateOperation(trackAnonymous('a', 'x', { blob: 'y'.repeat(100_001) }))).toMatchObject({ reason: 'event_data_too_large', field: 'attributes' });
    expect(validateOperation(trackAnonymous('a', 'x', undefined, { timestamp: 1_700_000_000_000 }))).toMatchObject({ reason: 'invalid_timestamp' });
  });

  it('accepts data over the 32,000-byte v2 operation limit: a v1 call is bounded by v1 event data only', () => {
    const data = { a: 'y'.repeat(900), b: 'y'.repeat(900) };
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'y'.repeat(900)]));
    expect(validateOperation(trackAnonymous('a', 'x', data))).toBeUndefined();
    expect(validateOperation(trackAnonymous('a', 'x', big))).toBeUndefined();
    // the same data on a person's event is over the v2 limit
    expect(validateOperation({ type: 'person', action: 'event', identifiers: { id: '1' }, name: 'x', attributes: big })).toMatchObject({ reason: 'operation_too_large' });
  });
});

describe('batchOperations with anonymous events', () => {
  it('sends each anonymous event alone, at once, and leaves the batch being filled as it is', () => {
    const a = sizedEnvelope('a', 10);
    const b = sizedEnvelope('b', 10);
    const x = anonymousEnvelope('x');
    const y = anonymousEnvelope('y');
    const solo = (envelope: Envelope<string>): Batch<string> => ({ envelopes: [envelope], bytes: batchRequestBytes([envelope.bytes]) });
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Envelope<string>>('axyb|', { a, b, x, y });
      expectObservable(source.pipe(batchOperations<string>({ maxWaitMs: 100 }))).toBe('-xy-(z|)', {
        x: solo(x),
        y: solo(y),
        z: { envelopes: [a, b], bytes: batchRequestBytes([10, 10]) },
      });
    });
  });
});

describe('identify with updateOnly', () => {
  it('sends _update: true among the attributes, as the v2 identify takes it', () => {
    expect(identify('42', { plan: 'pro' }, { updateOnly: true })).toEqual({ type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { plan: 'pro', _update: true } });
    expect(identify('42', undefined, { updateOnly: true, timestamp: 5 })).toEqual({ type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { _update: true }, timestamp: 5 });
    expect(identify('42', { plan: 'pro' }, { updateOnly: false })).toEqual({ type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { plan: 'pro' } });
  });

  it('refuses an _update that is not a boolean', () => {
    expect(validateOperation(identify('42', { _update: 'yes' }))).toMatchObject({ reason: 'invalid_update', field: 'attributes._update' });
    expect(validateOperation(identify('42', { _update: true }))).toBeUndefined();
    expect(validateOperation(identify('42', { _update: false }))).toBeUndefined();
  });
});
