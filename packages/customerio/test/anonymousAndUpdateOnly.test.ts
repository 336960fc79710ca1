import { createEnvelope, deliver, identify, trackAnonymous, type BatchResponse, type Outcome } from '@cioscale/core';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { toPipelinesEntry } from '../src/index.js';
import { batchOf, people, useEmulator } from './helpers.js';
import { usePipelinesEmulator } from './pipelinesHelpers.js';

describe('anonymous events through the Track transport', () => {
  const { start, transport } = useEmulator();

  it('sends a batch of one anonymous event as POST /api/v1/events, with its id, type, timestamp and data', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const batch = batchOf([trackAnonymous('cookie-1', 'https://example.com/pricing', { plan: 'pro' }, { type: 'page', timestamp: 1_700_000_000 })]);
    const answer = (await cio.send(batch)) as BatchResponse;
    expect(answer).toEqual({ status: 200, errors: [] });
    expect(emulator.stats()).toMatchObject({ requests: 1, operations: { anonymous_event: 1 } });
    expect(emulator.events({ anonymousId: 'cookie-1' })).toMatchObject([
      { id: batch.envelopes[0]!.id, name: 'https://example.com/pricing', type: 'page', timestamp: 1_700_000_000, data: { plan: 'pro' }, anonymousId: 'cookie-1' },
    ]);
  });

  it('sends an event of no one without anonymous_id', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    await cio.send(batchOf([trackAnonymous(undefined, 'invited', { recipient: 'a@example.com' })]));
    expect(emulator.events()).toMatchObject([{ name: 'invited', anonymousId: undefined, data: { recipient: 'a@example.com' } }]);
  });

  it('refuses locally an anonymous event mixed into a batch (one batch is one request) and delivers the rest with their own indexes', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const bad = { type: 'person', action: 'identify', identifiers: {} } as never;
    const answer = (await cio.send(batchOf([people(1)[0]!, trackAnonymous('c', 'x'), bad]))) as BatchResponse;
    expect(answer.status).toBe(207);
    expect(answer.errors).toEqual([
      expect.objectContaining({ batch_index: 1, reason: 'anonymous_event_not_alone', origin: 'local' }),
      expect.objectContaining({ batch_index: 2 }),
    ]);
    expect(emulator.stats()).toMatchObject({ requests: 1, acceptedOperations: 1 });
    expect(emulator.events()).toEqual([]);
  });

  it('through core deliver(), each anonymous event is its own request and the people share one batch', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const operations = [...people(5), trackAnonymous('a1', 'viewed'), trackAnonymous('a2', 'viewed'), trackAnonymous('a1', 'clicked')];
    const envelopes = operations.map((operation, i) => createEnvelope(operation, { source: i, sourceKey: `anon#${i}`, producedAt: 1_700_000_000_000 }));
    const outcomes: Outcome<number>[] = await firstValueFrom(deliver(from(envelopes), { transport: cio.send, batch: { maxWaitMs: 1_000 } }).pipe(toArray()));
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('delivered'));
    expect(emulator.stats()).toMatchObject({ requests: 4, operations: { anonymous_event: 3, identify: 5 } });
    expect(emulator.events({ anonymousId: 'a1' }).map((e) => e.name)).toEqual(['viewed', 'clicked']);
  });
});

describe('update-only identifies through the Track transport', () => {
  const { start, transport } = useEmulator();

  it('updates a person who exists and creates no one', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    await cio.send(batchOf([identify('known', { plan: 'free' })]));
    const answer = (await cio.send(batchOf([identify('known', { plan: 'pro' }, { updateOnly: true }), identify('stranger', { plan: 'pro' }, { updateOnly: true })]))) as BatchResponse;
    expect(answer).toEqual({ status: 200, errors: [] });
    expect(emulator.person('known')).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
    expect(emulator.person('known')).not.toHaveProperty('attributes._update');
    expect(emulator.person('stranger')).toEqual({ state: 'unknown' });
    expect(emulator.stats().sizes.people).toBe(1);
  });
});

describe('toPipelinesEntry of anonymous events and update-only identifies', () => {
  const envelope = (operation: Parameters<typeof createEnvelope>[0]) => createEnvelope(operation, { source: 0, sourceKey: 'row#1', producedAt: 1_700_000_000_000 });

  it('maps an anonymous event to track/page/screen with anonymousId and no userId', () => {
    const sent = envelope(trackAnonymous('cookie-1', 'clicked', { n: 1 }, { timestamp: 1_700_000_100 }));
    expect(toPipelinesEntry(sent)).toEqual({ type: 'track', anonymousId: 'cookie-1', messageId: sent.id, timestamp: '2023-11-14T22:15:00.000Z', event: 'clicked', properties: { n: 1 } });
    expect(toPipelinesEntry(envelope(trackAnonymous('cookie-1', 'Home', undefined, { type: 'screen' })))).toMatchObject({ type: 'screen', anonymousId: 'cookie-1', name: 'Home', properties: {} });
  });

  it('refuses an anonymous event without anonymous_id and an update-only identify, naming the field', () => {
    expect(toPipelinesEntry(envelope(trackAnonymous(undefined, 'x')))).toMatchObject({ reason: 'pipelines_unsupported', field: 'anonymous_id' });
    expect(toPipelinesEntry(envelope(identify('1', { plan: 'pro' }, { updateOnly: true })))).toMatchObject({ reason: 'pipelines_unsupported', field: 'attributes._update' });
  });

  it('leaves _update: false out of the traits (it only says "create or update", the default)', () => {
    expect(toPipelinesEntry(envelope(identify('1', { plan: 'pro', _update: false })))).toMatchObject({ type: 'identify', userId: '1', traits: { plan: 'pro' } });
    expect(toPipelinesEntry(envelope(identify('1', { plan: 'pro', _update: false })))).not.toHaveProperty('traits._update');
  });
});

describe('anonymous events through the Pipelines transport', () => {
  const { start, transport } = usePipelinesEmulator();

  it('lands a track call with anonymousId as an anonymous event, its messageId as the event id', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const batch = batchOf([trackAnonymous('cookie-9', 'viewed', { n: 1 }), trackAnonymous('cookie-9', '/home', undefined, { type: 'page' }), people(1)[0]!]);
    const answer = (await cio.send(batch)) as BatchResponse;
    expect(answer).toEqual({ status: 200, errors: [] });
    expect(emulator.events({ anonymousId: 'cookie-9' })).toMatchObject([
      { id: batch.envelopes[0]!.id, name: 'viewed', type: 'event', data: { n: 1 } },
      { id: batch.envelopes[1]!.id, name: '/home', type: 'page' },
    ]);
    expect(emulator.person('p0')).toMatchObject({ state: 'active' });
  });
});
