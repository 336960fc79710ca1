import { CustomerIORequestError } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { EmulatedRateLimit } from '../src/emulatedRateLimit.js';
import { basicAuth, identifyOp, send, trackClient, useEmulators } from './helpers.js';

async function statusOf(promise: Promise<unknown>): Promise<CustomerIORequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CustomerIORequestError);
  return error as CustomerIORequestError;
}

describe('per-workspace rate limit', () => {
  const start = useEmulators();

  it('answers 429 with Retry-After in whole seconds once the burst is spent', async () => {
    // 0.5 req/s: the next token is 2 s away, far longer than this test takes.
    const emulator = await start({ rate: 0.5, burst: 2 });
    const cio = trackClient(emulator);
    await cio.identify('1', {});
    await cio.identify('2', {});
    const error = await statusOf(cio.identify('3', {}));
    expect(error.statusCode).toBe(429);
    expect(error.response.headers['retry-after']).toBe('2');
    expect(emulator.person('3')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ requests: 3, rateLimited: 1, statuses: { 200: 2, 429: 1 } });
  });

  it('leaves Retry-After out when configured off, as Customer.io does not document it', async () => {
    const emulator = await start({ rate: 0.5, burst: 1, retryAfter: false });
    await send(emulator, 'PUT', '/api/v1/customers/1', {});
    const answer = await send(emulator, 'POST', '/api/v2/batch', { batch: [identifyOp('2')] });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(answer.json).toEqual({ errors: [{ reason: 'rate_limited', field: '', message: expect.any(String) }] });
  });

  it('counts v1 and v2 requests against one budget', async () => {
    const emulator = await start({ rate: 0.5, burst: 2 });
    const cio = trackClient(emulator);
    await cio.identify('1', {});
    await cio.batch([identifyOp('2')]);
    expect((await statusOf(cio.entity(identifyOp('3')))).statusCode).toBe(429);
    expect((await statusOf(cio.track('1', { name: 'x' }))).statusCode).toBe(429);
  });

  it('gives each workspace its own bucket, with per-workspace overrides', async () => {
    const emulator = await start({ rate: 0.5, burst: 1, workspaces: ['a:ka', { siteId: 'b', apiKey: 'kb', burst: 2 }] });
    const a = trackClient(emulator, 'a', 'ka');
    const b = trackClient(emulator, 'b', 'kb');
    await a.identify('1', {});
    await b.identify('1', {});
    await b.identify('2', {});
    expect((await statusOf(a.identify('2', {}))).statusCode).toBe(429);
    expect((await statusOf(b.identify('3', {}))).statusCode).toBe(429);
    expect(emulator.stats('a')).toMatchObject({ requests: 2, rateLimited: 1, burst: 1 });
    expect(emulator.stats('b')).toMatchObject({ requests: 3, rateLimited: 1, burst: 2 });
  });

  it('can be lifted at runtime through the admin API', async () => {
    const emulator = await start({ rate: 0.5, burst: 1 });
    await send(emulator, 'PUT', '/api/v1/customers/1', {});
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {})).status).toBe(429);
    const config = await send(emulator, 'POST', '/__emulator/config', { rate: 0 }, {});
    expect(config.json).toMatchObject({ workspaces: [{ siteId: 'site', rate: 0 }] });
    for (let index = 0; index < 20; index++) expect((await send(emulator, 'PUT', '/api/v1/customers/1', {})).status).toBe(200);
  });

  it('is not applied to unauthenticated requests, which are refused first', async () => {
    const emulator = await start({ rate: 0.5, burst: 1 });
    for (let index = 0; index < 3; index++) expect((await send(emulator, 'PUT', '/api/v1/customers/1', {}, { authorization: basicAuth('site', 'x') })).status).toBe(401);
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {})).status).toBe(200);
  });
});

describe("rateLimitMode: 'soft' (Customer.io's documented, not strictly enforced limit)", () => {
  const start = useEmulators();

  it('lets a burst of three seconds’ budget through at once, where hard mode refuses past the burst', async () => {
    // 1 req/s: the hard bucket holds `burst` (1), the soft one 3 seconds' worth; refills are 1 s
    // apart, far longer than the four back-to-back requests take.
    const soft = await start({ rate: 1, burst: 1, rateLimitMode: 'soft' });
    const hard = await start({ rate: 1, burst: 1 });
    const statuses = async (emulator: typeof soft): Promise<number[]> => {
      const answers: number[] = [];
      for (let index = 0; index < 4; index++) answers.push((await send(emulator, 'PUT', `/api/v1/customers/${index}`, {})).status);
      return answers;
    };
    expect(await statuses(soft)).toEqual([200, 200, 200, 429]);
    expect(await statuses(hard)).toEqual([200, 429, 429, 429]);
    expect(soft.stats()).toMatchObject({ rateLimitMode: 'soft', rateLimited: 1 });
    expect(soft.config().workspaces).toEqual([{ siteId: 'site', rate: 1, burst: 1, rateLimitMode: 'soft', ledger: 'full' }]);
  });

  it('refuses an unknown mode, naming the option', async () => {
    await expect(start({ rateLimitMode: 'lenient' as never })).rejects.toThrow('rateLimitMode must be "hard" or "soft"; received "lenient"');
  });
});

describe('EmulatedRateLimit', () => {
  it('in soft mode, passes bursts and throttles only a rate sustained above the limit', () => {
    let now = 0;
    const limit = new EmulatedRateLimit(100, 1, () => now, 'soft');
    // A burst of 300 (three seconds' worth) passes at once…
    const burst = Array.from({ length: 300 }, () => limit.take().allowed);
    expect(burst.every(Boolean)).toBe(true);
    expect(limit.take()).toEqual({ allowed: false, retryAfterMs: 10 });
    // …and then a sustained 200 req/s gets half its requests through: the limit's own 100 per second.
    let allowed = 0;
    for (let tick = 1; tick <= 2000; tick++) {
      now += 5;
      if (limit.take().allowed) allowed++;
    }
    expect(allowed).toBe(1000);
    // After an idle period the three-second budget is back.
    now += 3000;
    expect(Array.from({ length: 301 }, () => limit.take().allowed).filter(Boolean)).toHaveLength(300);
  });

  it('allows a burst, then refills at the rate, and says how long until the next token', () => {
    let now = 0;
    const limit = new EmulatedRateLimit(10, 3, () => now);
    expect([limit.take(), limit.take(), limit.take()].every((result) => result.allowed)).toBe(true);
    expect(limit.take()).toEqual({ allowed: false, retryAfterMs: 100 });
    now = 50;
    expect(limit.take()).toEqual({ allowed: false, retryAfterMs: 50 });
    now = 100;
    expect(limit.take()).toEqual({ allowed: true });
    now = 10_000;
    // Refill is capped at the burst.
    expect([limit.take(), limit.take(), limit.take(), limit.take()].map((result) => result.allowed)).toEqual([true, true, true, false]);
  });

  it('treats rate 0 as unlimited, and starts full when limited again', () => {
    let now = 0;
    const limit = new EmulatedRateLimit(0, 1, () => now);
    for (let index = 0; index < 1000; index++) expect(limit.take().allowed).toBe(true);
    limit.configure(1, 3);
    now = 1000;
    expect([limit.take(), limit.take(), limit.take(), limit.take()].map((result) => result.allowed)).toEqual([true, true, true, false]);
  });

  it('keeps the tokens on hand, capped at the new burst, when reconfigured', () => {
    const limit = new EmulatedRateLimit(1, 10, () => 0);
    limit.take();
    limit.configure(1, 2);
    expect([limit.take(), limit.take(), limit.take()].map((result) => result.allowed)).toEqual([true, true, false]);
  });
});
