import { describe, expect, it } from 'vitest';
import { BoundedEventIdSet, UnboundedEventIdSet } from '../src/ledger/eventIds.js';
import { eventOp, identifyOp, send, trackClient, useEmulators } from './helpers.js';

describe('event dedupe by id', () => {
  const start = useEmulators();

  it('stores an event id once across v1 and v2, and counts the duplicates', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.track('1', { name: 'purchase', id: 'ULID-1' });
    await cio.track('1', { name: 'purchase', id: 'ULID-1' });
    await cio.batch([eventOp('1', 'purchase', 'ULID-1'), eventOp('1', 'purchase', 'ULID-2'), eventOp('1', 'purchase')]);
    await cio.trackAnonymous('anon', { name: 'purchase', id: 'ULID-2' });

    expect(emulator.events({ person: '1' }).map((event) => event.id)).toEqual(['ULID-1', 'ULID-2', undefined]);
    expect(emulator.stats()).toMatchObject({ duplicateEvents: 3, acceptedOperations: 6, sizes: { events: 3, eventIds: 2 } });
  });
});

describe('last writer wins', () => {
  const start = useEmulators();

  it('orders v2 identify updates by timestamp, then by arrival', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.batch([identifyOp('1', { plan: 'new', city: 'Paris' }, 200), identifyOp('1', { plan: 'old', country: 'FR' }, 100)]);
    // The older write loses on `plan` but still sets the attribute nobody wrote later.
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'new', city: 'Paris', country: 'FR' } });
    await cio.entity(identifyOp('1', { plan: 'tie' }, 200));
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'tie' } });
  });

  it('orders v1 identify updates by _timestamp', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { plan: 'second', _timestamp: 2000 });
    await cio.identify('1', { plan: 'first', _timestamp: 1000 });
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'second' } });
    expect(emulator.person('1')).not.toHaveProperty('attributes._timestamp');
  });

  it('stamps an update without timestamp with the time received', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { plan: 'now' });
    await cio.identify('1', { plan: 'stale', _timestamp: 1_000 });
    await cio.identify('1', { plan: 'future', _timestamp: 4_000_000_000 });
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'future' } });
  });

  it('removes an attribute set to null, and an older write does not bring it back', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { plan: 'pro', _timestamp: 10 });
    await cio.identify('1', { plan: null, _timestamp: 20 });
    await cio.identify('1', { plan: 'late', _timestamp: 15 });
    expect(emulator.person('1')).toMatchObject({ attributes: {} });
  });
});

describe('people', () => {
  const start = useEmulators();

  it('does not create a person on _update: true, and ignores an unknown cio_id', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { plan: 'pro', _update: true });
    await cio.identify('cio_ffffffff', { plan: 'pro' });
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ ignoredOperations: 2, sizes: { people: 0 } });
  });

  it('finds people by email case-insensitively, by cio_id and by phone', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('Ada@Example.com', { plan: 'pro' });
    await cio.entity({ type: 'person', action: 'identify', identifiers: { phone: '+15550100' }, attributes: { plan: 'sms' } });
    const ada = emulator.person('ada@example.com');
    expect(ada).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
    expect(ada.state === 'active' && emulator.person(`cio_${ada.cioId}`)).toEqual(ada);
    expect(emulator.person('+15550100', { by: 'phone' })).toMatchObject({ attributes: { plan: 'sms' } });
  });

  it('changes an existing identifier only when the person is addressed by cio_id', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'old@example.com' });
    await cio.identify('1', { email: 'new@example.com' });
    expect(emulator.person('1')).toMatchObject({ identifiers: { id: '1', email: 'old@example.com' } });
    const person = emulator.person('1');
    if (person.state !== 'active') throw new Error('expected person 1');
    await cio.identify(`cio_${person.cioId}`, { email: 'new@example.com' });
    expect(emulator.person('new@example.com')).toMatchObject({ identifiers: { id: '1', email: 'new@example.com' } });
    expect(emulator.person('old@example.com')).toEqual({ state: 'unknown' });
  });

  it('keeps objects and relationships', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.batch([
      { type: 'object', action: 'identify', identifiers: { object_type_id: '1', object_id: 'acme' }, attributes: { name: 'Acme' } },
      { type: 'person', action: 'add_relationships', identifiers: { id: '1' }, cio_relationships: [{ identifiers: { object_type_id: '1', object_id: 'acme' } }] },
      { type: 'delivery', action: 'event', identifiers: { id: 'delivery-1' }, name: 'opened', attributes: { device_token: 'tok' } },
    ]);
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:acme'] });
    expect(emulator.stats()).toMatchObject({ sizes: { objects: 1 }, operations: { object_identify: 1, add_relationships: 1, delivery_event: 1 } });
  });

  it('forgets everything on reset', async () => {
    const emulator = await start();
    await trackClient(emulator).track('1', { name: 'x', id: 'e1' });
    emulator.reset();
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ requests: 0, acceptedOperations: 0, sizes: { people: 0, events: 0, eventIds: 0 } });
    await trackClient(emulator).track('1', { name: 'x', id: 'e1' });
    expect(emulator.stats().duplicateEvents).toBe(0);
  });
});

describe("ledger: 'counters'", () => {
  const start = useEmulators();

  it('counts operations without storing people or events', async () => {
    const emulator = await start({ ledger: 'counters' });
    const cio = trackClient(emulator);
    await cio.batch([identifyOp('1', { plan: 'pro' }), eventOp('1', 'x', 'e1'), eventOp('1', 'x', 'e1')]);
    expect(emulator.person('1')).toEqual({ state: 'untracked' });
    expect(emulator.events()).toEqual([]);
    expect(emulator.stats()).toMatchObject({ ledger: 'counters', acceptedOperations: 3, duplicateEvents: 1, sizes: { people: 0, events: 0, eventIds: 1 } });
    expect((await send(emulator, 'GET', '/__emulator/people/1', undefined, {})).json).toEqual({ state: 'untracked' });
  });

  it('remembers at least the most recent dedupeWindow event ids, and at most twice as many', async () => {
    const emulator = await start({ ledger: 'counters', dedupeWindow: 2 });
    const cio = trackClient(emulator);
    const ids = ['a', 'b', 'c', 'b', 'c', 'd', 'e', 'a', 'b'];
    await cio.batch(ids.map((id) => eventOp('1', 'x', id)));
    // b and c were among the last two when repeated; a and b had been forgotten by the time of their repeat.
    expect(emulator.stats()).toMatchObject({ duplicateEvents: 2, sizes: { eventIds: 3 } });
  });

  it('refuses a dedupeWindow beyond what one Set can hold', async () => {
    await expect(start({ ledger: 'counters', dedupeWindow: 2 ** 24 })).rejects.toThrow('dedupeWindow must be an integer from 0 to 16777215; received 16777216');
  });

  it('does no dedupe with dedupeWindow 0', async () => {
    const emulator = await start({ ledger: 'counters', dedupeWindow: 0 });
    await trackClient(emulator).batch([eventOp('1', 'x', 'a'), eventOp('1', 'x', 'a')]);
    expect(emulator.stats()).toMatchObject({ duplicateEvents: 0, sizes: { eventIds: 0 } });
  });
});

describe('BoundedEventIdSet', () => {
  it('always remembers the last `capacity` ids', () => {
    const ids = new BoundedEventIdSet(100);
    // Collected and asserted once: 20,000 expect() calls took 7 s on a loaded 2-core machine.
    const wrong: string[] = [];
    for (let index = 0; index < 10_000; index++) {
      if (ids.checkAndAdd(`id-${index}`)) wrong.push(`id-${index} was known before it was added`);
      // The id 99 places back is still known, whatever the generation boundary.
      if (index >= 99 && !ids.checkAndAdd(`id-${index - 99}`)) wrong.push(`id-${index - 99} forgotten at ${index}`);
    }
    expect(wrong).toEqual([]);
  });

  it('forgets old ids and never holds more than twice its capacity', () => {
    const ids = new BoundedEventIdSet(3);
    expect(['a', 'b', 'c', 'a'].map((id) => ids.checkAndAdd(id))).toEqual([false, false, false, true]);
    for (let index = 0; index < 10_000; index++) ids.checkAndAdd(`id-${index}`);
    expect(ids.size).toBeLessThanOrEqual(6);
    expect(ids.checkAndAdd('a')).toBe(false);
  });
});

describe('UnboundedEventIdSet', () => {
  it('remembers every id, whatever shard it lands in', () => {
    const ids = new UnboundedEventIdSet();
    const all = Array.from({ length: 5000 }, (_, index) => `01J${index.toString(36).toUpperCase()}`);
    expect(all.map((id) => ids.checkAndAdd(id)).some(Boolean)).toBe(false);
    expect(all.every((id) => ids.checkAndAdd(id))).toBe(true);
    expect(ids.size).toBe(5000);
    ids.clear();
    expect(ids.checkAndAdd(all[0] as string)).toBe(false);
  });
});
