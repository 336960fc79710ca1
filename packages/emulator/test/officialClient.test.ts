import { CustomerIORequestError, IdentifierType } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { eventOp, identifyOp, trackClient, useEmulators } from './helpers.js';

describe('the official customerio-node TrackClient against the emulator', () => {
  const start = useEmulators();

  it('identifies, tracks, adds a device and updates the ledger', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await expect(cio.identify('42', { email: 'ada@example.com', plan: 'pro', created_at: 1_700_000_000 })).resolves.toEqual({});
    await cio.track('42', { name: 'purchase', id: '01HZZZZZZZZZZZZZZZZZZZZZZ1', data: { price: 23.45 } });
    await cio.trackPageView('42', '/pricing');
    await cio.addDevice('42', 'device-token-1', 'ios', { last_used: 1_700_000_100, app_version: '1.2' });

    const person = emulator.person('42');
    expect(person).toMatchObject({
      state: 'active',
      identifiers: { id: '42', email: 'ada@example.com' },
      attributes: { email: 'ada@example.com', plan: 'pro', created_at: 1_700_000_000 },
      devices: [{ token: 'device-token-1', platform: 'ios', lastUsed: 1_700_000_100, attributes: { app_version: '1.2' } }],
      eventCount: 2,
    });
    expect(emulator.person('ada@example.com').state).toBe('active');
    expect(emulator.events({ person: '42' }).map(({ name, type, data }) => ({ name, type, data }))).toEqual([
      { name: 'purchase', type: 'event', data: { price: 23.45 } },
      { name: '/pricing', type: 'page', data: {} },
    ]);
    expect(emulator.stats().operations).toEqual({ identify: 1, event: 1, page: 1, add_device: 1 });
  });

  it('tracks anonymous events', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.trackAnonymous('cookie-1', { name: 'visited', data: { path: '/' } });
    expect(emulator.events({ anonymousId: 'cookie-1' })).toMatchObject([{ name: 'visited', anonymousId: 'cookie-1', data: { path: '/' } }]);
    expect(emulator.stats().operations).toEqual({ anonymous_event: 1 });
  });

  it('deletes, suppresses and unsuppresses people and deletes devices', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { plan: 'free' });
    await cio.identify('2', { plan: 'free' });
    await cio.addDevice('2', 'tok', 'android');
    await cio.deleteDevice('2', 'tok');
    expect(emulator.person('2')).toMatchObject({ devices: [] });

    await cio.destroy('1');
    expect(emulator.person('1')).toEqual({ state: 'deleted' });

    await cio.suppress('2');
    expect(emulator.person('2')).toEqual({ state: 'suppressed' });
    await cio.identify('2', { plan: 'pro' });
    expect(emulator.person('2')).toEqual({ state: 'suppressed' });
    expect(emulator.stats().ignoredOperations).toBe(1);

    await cio.unsuppress('2');
    await cio.identify('2', { plan: 'pro' });
    expect(emulator.person('2')).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
  });

  it('merges the secondary person into the primary', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('primary', { plan: 'pro' });
    await cio.identify('secondary', { plan: 'free', city: 'Lyon' });
    await cio.track('secondary', { name: 'signed_up' });
    await cio.mergeCustomers(IdentifierType.Id, 'primary', IdentifierType.Id, 'secondary');

    expect(emulator.person('primary')).toMatchObject({ attributes: { plan: 'pro', city: 'Lyon' }, eventCount: 1 });
    expect(emulator.person('secondary')).toEqual({ state: 'deleted' });
    expect(emulator.stats().operations['merge']).toBe(1);
  });

  it('sends v2 batches and entities; a 207 resolves with the errors of the refused operations', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await expect(cio.entity(identifyOp('7', { plan: 'team' }))).resolves.toEqual({});
    const answer = await cio.batch([identifyOp('8', { plan: 'pro' }), { type: 'person', action: 'identify' }, eventOp('8', 'login')]);
    expect(answer).toEqual({ errors: [{ batch_index: 1, reason: 'required', field: 'identifiers', message: expect.any(String) }] });

    expect(emulator.person('7')).toMatchObject({ attributes: { plan: 'team' } });
    expect(emulator.person('8')).toMatchObject({ attributes: { plan: 'pro' }, eventCount: 1 });
    expect(emulator.stats()).toMatchObject({ acceptedOperations: 3, rejectedOperations: 1, statuses: { 200: 1, 207: 1 } });
  });

  it('rejects wrong credentials with a CustomerIORequestError of status 401', async () => {
    const emulator = await start();
    const error = await trackClient(emulator, 'site', 'wrong-key').identify('1', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CustomerIORequestError);
    expect((error as CustomerIORequestError).statusCode).toBe(401);
    expect(emulator.stats()).toMatchObject({ requests: 0, server: { unauthorized: 1 } });
  });

  it('rejects an invalid v1 call with a CustomerIORequestError whose message comes from meta.errors', async () => {
    const emulator = await start();
    const error = await trackClient(emulator).track('1', { name: 'x'.repeat(101) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CustomerIORequestError);
    expect((error as CustomerIORequestError).statusCode).toBe(400);
    expect((error as Error).message).toContain('event name cannot be longer than 100 bytes');
  });
});
