/**
 * Event merging, a workspace setting: an identify that sets a person's `anonymous_id` attribute takes the
 * anonymous events with that `anonymous_id` received in the last 30 days ("we associate those events with
 * the person", trackAnonymous in the OpenAPI document). Off, anonymous events stay anonymous.
 */
import { describe, expect, it } from 'vitest';
import { answered, identifyOp, send, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer } from './openapi.js';

describe('anonymous events and a later identify', () => {
  const start = useEmulators();

  it('with event merging on, moves the visitor\'s anonymous events to the person who gets their anonymous_id (v1 identify)', async () => {
    const emulator = await start({ mergeAnonymousEvents: true });
    const cio = trackClient(emulator);
    const first = await answered(emulator, () => cio.trackAnonymous('visitor-1', { name: 'viewed_pricing', data: { plan: 'pro' } }));
    expectDeclaredAnswer('POST', '/api/v1/events', first.status, first.body);
    await cio.trackAnonymous('visitor-1', { name: '/signup', type: 'page' });
    await cio.trackAnonymous('visitor-2', { name: 'viewed_pricing' });
    await cio.identify('42', { email: 'ada@example.com', anonymous_id: 'visitor-1' });

    const person = emulator.person('42');
    expect(person.state).toBe('active');
    const events = emulator.events({ person: '42' });
    expect(events).toMatchObject([
      { name: 'viewed_pricing', type: 'event', data: { plan: 'pro' }, anonymousId: 'visitor-1' },
      { name: '/signup', type: 'page', anonymousId: 'visitor-1' },
    ]);
    for (const event of events) expect(event.cioId).toBe(person.state === 'active' ? person.cioId : undefined);
    expect(emulator.events({ anonymousId: 'visitor-1' })).toEqual([]);
    expect(emulator.events({ anonymousId: 'visitor-2' })).toHaveLength(1);
    expect(emulator.stats().sizes).toMatchObject({ events: 3, anonymousEvents: 1 });
  });

  it('with event merging on, a v2 identify setting anonymous_id merges too, and an update-only identify of no one merges nothing', async () => {
    const emulator = await start({ mergeAnonymousEvents: true });
    const cio = trackClient(emulator);
    await cio.trackAnonymous('visitor-3', { name: 'clicked' });
    await send(emulator, 'POST', '/api/v2/entity', identifyOp('stranger', { anonymous_id: 'visitor-3', _update: true }));
    expect(emulator.events({ anonymousId: 'visitor-3' })).toHaveLength(1);
    expect(emulator.person('stranger')).toEqual({ state: 'unknown' });
    await send(emulator, 'POST', '/api/v2/entity', identifyOp('43', { anonymous_id: 'visitor-3' }));
    expect(emulator.events({ person: '43' })).toMatchObject([{ name: 'clicked', anonymousId: 'visitor-3' }]);
  });

  it('with event merging off (the default), anonymous events stay anonymous', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.trackAnonymous('visitor-1', { name: 'viewed_pricing' });
    await cio.identify('42', { anonymous_id: 'visitor-1' });
    expect(emulator.events({ person: '42' })).toEqual([]);
    expect(emulator.events({ anonymousId: 'visitor-1' })).toHaveLength(1);
  });
});
