import { describe, expect, it } from 'vitest';
import { eventOp, identifyOp, send, trackClient, useEmulators } from './helpers.js';

const NO_AUTH = {};

describe('admin API under /__emulator/', () => {
  const start = useEmulators();

  it('reports stats of the first workspace by default, or of the one named', async () => {
    const emulator = await start({ workspaces: ['one:k1', 'two:k2'] });
    await trackClient(emulator, 'two', 'k2').batch([identifyOp('1'), eventOp('1', 'x')]);
    const first = await send(emulator, 'GET', '/__emulator/stats', undefined, NO_AUTH);
    expect(first.json).toMatchObject({ siteId: 'one', requests: 0 });
    const second = await send(emulator, 'GET', '/__emulator/stats?workspace=two', undefined, NO_AUTH);
    expect(second.json).toMatchObject({
      siteId: 'two',
      ledger: 'full',
      requests: 1,
      operations: { identify: 1, event: 1 },
      acceptedOperations: 2,
      bytes: expect.any(Number),
      sizes: { people: 1, events: 1 },
      server: { unauthorized: 0, notFound: 0 },
    });
    expect((second.json as { bytes: number }).bytes).toBeGreaterThan(50);
    const unknown = await send(emulator, 'GET', '/__emulator/stats?workspace=three', undefined, NO_AUTH);
    expect(unknown).toMatchObject({ status: 400, json: { error: 'workspace must be one of the site ids one, two; received "three"' } });
  });

  it('shows a person, or why there is none', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('a@b.co', { plan: 'pro' });
    await cio.identify('gone', {});
    await cio.destroy('gone');
    await cio.suppress('blocked');
    const person = await send(emulator, 'GET', `/__emulator/people/${encodeURIComponent('a@b.co')}`, undefined, NO_AUTH);
    expect(person).toMatchObject({ status: 200, json: { state: 'active', identifiers: { email: 'a@b.co' }, attributes: { plan: 'pro' } } });
    expect(await send(emulator, 'GET', '/__emulator/people/gone', undefined, NO_AUTH)).toMatchObject({ status: 404, json: { state: 'deleted' } });
    expect(await send(emulator, 'GET', '/__emulator/people/blocked', undefined, NO_AUTH)).toMatchObject({ status: 404, json: { state: 'suppressed' } });
    expect(await send(emulator, 'GET', '/__emulator/people/never', undefined, NO_AUTH)).toMatchObject({ status: 404, json: { state: 'unknown' } });
    expect((await send(emulator, 'GET', '/__emulator/people/x?by=fax', undefined, NO_AUTH)).status).toBe(400);
  });

  it('lists events by person, anonymous id and name, with a limit', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.batch([eventOp('1', 'a'), eventOp('1', 'b'), eventOp('1', 'a'), eventOp('2', 'a')]);
    await cio.trackAnonymous('anon-1', { name: 'a' });
    const list = async (query: string): Promise<unknown[]> =>
      ((await send(emulator, 'GET', `/__emulator/events${query}`, undefined, NO_AUTH)).json as { events: unknown[] }).events;
    expect(await list('?person=1')).toHaveLength(3);
    expect(await list('?person=1&name=a')).toHaveLength(2);
    expect(await list('?anonymous_id=anon-1')).toMatchObject([{ name: 'a', anonymousId: 'anon-1' }]);
    expect(await list('')).toHaveLength(5);
    expect(await list('?limit=2')).toHaveLength(2);
    expect((await send(emulator, 'GET', '/__emulator/events?limit=0', undefined, NO_AUTH)).status).toBe(400);
  });

  it('resets one workspace or all of them', async () => {
    const emulator = await start({ workspaces: ['one:k1', 'two:k2'] });
    await trackClient(emulator, 'one', 'k1').identify('1', {});
    await trackClient(emulator, 'two', 'k2').identify('1', {});
    await send(emulator, 'POST', '/__emulator/reset?workspace=two', undefined, NO_AUTH);
    expect(emulator.stats('one').requests).toBe(1);
    expect(emulator.stats('two').requests).toBe(0);
    expect(await send(emulator, 'POST', '/__emulator/reset', undefined, NO_AUTH)).toMatchObject({ status: 200, json: { reset: 'all' } });
    expect(emulator.stats('one')).toMatchObject({ requests: 0, sizes: { people: 0 } });
  });

  it('reads and changes the config; rate and burst apply to every workspace unless one is named', async () => {
    const emulator = await start({ workspaces: ['one:k1', 'two:k2'] });
    expect((await send(emulator, 'GET', '/__emulator/config', undefined, NO_AUTH)).json).toEqual({
      retryAfter: true,
      faults: { latencyMs: 0, jitterMs: 0, error500Rate: 0, error503Rate: 0, resetRate: 0, hangRate: 0, hangMs: 60_000, force429RemainingMs: 0 },
      workspaces: [
        { siteId: 'one', rate: 0, burst: 100, rateLimitMode: 'hard', ledger: 'full' },
        { siteId: 'two', rate: 0, burst: 100, rateLimitMode: 'hard', ledger: 'full' },
      ],
    });
    await send(emulator, 'POST', '/__emulator/config', { rate: 50, burst: 10, retryAfter: false }, NO_AUTH);
    await send(emulator, 'POST', '/__emulator/config?workspace=two', { rate: 5 }, NO_AUTH);
    expect(emulator.config()).toMatchObject({
      retryAfter: false,
      workspaces: [
        { siteId: 'one', rate: 50, burst: 10 },
        { siteId: 'two', rate: 5, burst: 10 },
      ],
    });
    await send(emulator, 'POST', '/__emulator/config?workspace=one', { rateLimitMode: 'soft' }, NO_AUTH);
    expect(emulator.config().workspaces.map((workspace) => workspace.rateLimitMode)).toEqual(['soft', 'hard']);
    for (const body of ['nope', '[1]', '{"speed":1}', '{"rate":-1}', '{"burst":0}', '{"retryAfter":"yes"}', '{"rateLimitMode":"lenient"}']) {
      expect((await send(emulator, 'POST', '/__emulator/config', body, NO_AUTH)).status).toBe(400);
    }
  });

  it('needs no auth and is not rate limited', async () => {
    const emulator = await start({ rate: 0.5, burst: 1 });
    for (let index = 0; index < 10; index++) expect((await send(emulator, 'GET', '/__emulator/health', undefined, NO_AUTH)).json).toEqual({ ok: true });
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {})).status).toBe(200);
    expect(emulator.stats().requests).toBe(1);
  });

  it('answers 404 for an unknown admin path', async () => {
    const emulator = await start();
    expect((await send(emulator, 'GET', '/__emulator/nothing', undefined, NO_AUTH)).status).toBe(404);
    expect((await send(emulator, 'DELETE', '/__emulator/stats', undefined, NO_AUTH)).status).toBe(404);
  });
});
