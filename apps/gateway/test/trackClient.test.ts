/**
 * The official customerio-node TrackClient, unmodified, with `url` at the gateway: every call goes through
 * the gateway into Redis, then a worker fleet delivers it to the emulator, whose ledger is the check.
 */
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { freshNamespace, startRedis, waitFor, type TestRedis } from '@cioscale/test-support';
import { spawnWorker, type SpawnedWorker } from '@cioscale/worker/testing';
import { CustomerIORequestError, IdentifierType, TrackClient } from 'customerio-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from './support/spawnGateway.js';

let redis: TestRedis;
let emulator: EmulatorHandle;
let gateway: SpawnedGateway;
const namespace = freshNamespace();
const workers: SpawnedWorker[] = [];

const gatewayEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  REDIS_URL: redis.url,
  CIO_QUEUE_NAMESPACE: namespace,
  CUSTOMERIO_SITE_ID: 'site',
  CUSTOMERIO_TRACK_API_KEY: 'key',
  GATEWAY_BACKLOG_REFRESH_MS: '100',
  GATEWAY_RETRY_AFTER_SECONDS: '1',
  ...extra,
});
const workerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  REDIS_URL: redis.url,
  CIO_QUEUE_NAMESPACE: namespace,
  CUSTOMERIO_SITE_ID: 'site',
  CUSTOMERIO_TRACK_API_KEY: 'key',
  CIO_TRACK_URL: emulator.url,
  CIO_RATE_LIMIT: '100',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  ...extra,
});
const startWorker = async (extra?: Record<string, string>): Promise<SpawnedWorker> => {
  const worker = await spawnWorker(workerEnv(extra));
  workers.push(worker);
  return worker;
};
const stopWorkers = async (): Promise<void> => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
};
/** The client as an application would build it, with its own retries left on unless a test says otherwise. */
const client = (options: { key?: string; retries?: number } = {}): TrackClient =>
  new TrackClient('site', options.key ?? 'key', { url: `${gateway.url}/api/v1`, ...(options.retries !== undefined && { retry: { maxRetries: options.retries } }) });
const refusal = async (call: Promise<unknown>): Promise<CustomerIORequestError> => {
  const error = await call.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(CustomerIORequestError);
  return error as CustomerIORequestError;
};
const delivered = (): number => emulator.stats().acceptedOperations;

beforeAll(async () => {
  // AOF on: a Redis restart keeps what the gateway acknowledged
  redis = await startRedis({ persistent: true });
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 100 });
  gateway = await spawnGateway(gatewayEnv());
});

afterAll(async () => {
  await stopWorkers();
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  await emulator?.close();
  await redis?.close();
});

describe('the gateway with the official TrackClient', () => {
  it('delivers every method it accepts, once each, with identifies stamped at receipt and events carrying an id', async () => {
    const cio = client();
    // older: queued at the gateway now, delivered after a newer update of the same person reached Customer.io
    await cio.identify('ada', { plan: 'free' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const direct = new TrackClient('site', 'key', { url: `${emulator.url}/api/v1` });
    await direct.identify('ada', { plan: 'pro' });

    await cio.identify('42', { email: 'grace@example.com', plan: 'team' });
    await cio.identify('43', { first: 'Linus', _timestamp: 1_700_000_000 });
    await cio.track('42', { name: 'signed_up', data: { source: 'ads' } });
    await cio.track('42', { name: 'paid', id: '01HZY4J3Z1V5QW6H5K1N6W3T9X', data: { amount: 12 } });
    await cio.trackPageView('42', '/pricing');
    await cio.addDevice('42', 'device-token-1', 'ios', { last_used: 1_700_000_100 });
    await cio.addDevice('42', 'device-token-2', 'android');
    await cio.deleteDevice('42', 'device-token-2');
    await cio.identify('gone', { plan: 'x' });
    await cio.destroy('gone');
    await cio.identify('muted', { plan: 'x' });
    await cio.suppress('muted');
    await cio.identify('back', { plan: 'x' });
    await cio.suppress('back');
    await cio.unsuppress('back');
    await cio.trackAnonymous('visitor-7', { name: 'viewed_pricing', data: { plan: 'pro' } });
    await cio.trackAnonymous('visitor-7', { name: '/signup', type: 'page', id: '01HZY4J3Z1V5QW6H5K1N6W3T9Y' });
    await cio.trackAnonymous('', { name: 'invite_sent', data: { recipient: 'friend@example.com' } });
    // update only: changes 42, creates no one for the unknown id
    await cio.identify('42', { seats: 5, _update: true });
    await cio.identify('nobody', { plan: 'x', _update: true });
    await cio.identify('secondary@example.com', { plan: 'y' });
    await cio.mergeCustomers(IdentifierType.Id, '43', IdentifierType.Email, 'secondary@example.com');
    await cio.entity({ type: 'person', action: 'identify', identifiers: { id: '44' }, attributes: { via: 'entity' } });
    await cio.entity({ type: 'object', action: 'identify', identifiers: { object_type_id: '1', object_id: 'acme' }, attributes: { tier: 'gold' } });
    const batch = await cio.batch([
      { type: 'person', action: 'identify', identifiers: { id: '45' }, attributes: { via: 'batch' } },
      { type: 'person', action: 'event', identifiers: { id: '45' }, name: 'batched' },
    ]);
    expect(batch).toEqual({});
    const calls = 27; // operations above, counting the batch's two (the direct identify is not one of them)

    expect(delivered()).toBe(1); // only the direct call: nothing is delivered without a worker
    await startWorker();
    await waitFor('every accepted operation delivered', () => delivered() === calls + 1, 30_000);
    // and none twice: the count stays put
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(delivered()).toBe(calls + 1);

    // the gateway stamped the older identify with its receipt time, so it lost to the newer direct one
    expect(emulator.person('ada')).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
    expect(emulator.person('42')).toMatchObject({ attributes: { email: 'grace@example.com', plan: 'team', seats: 5 }, devices: [{ token: 'device-token-1', platform: 'ios' }] });
    expect(emulator.person('42')).not.toHaveProperty('attributes._update');
    expect(emulator.person('nobody')).toEqual({ state: 'unknown' });
    // anonymous events: delivered as v1 calls, each with an id (the caller's or a ULID)
    const anonymous = emulator.events({ anonymousId: 'visitor-7' });
    expect(anonymous).toMatchObject([
      { name: 'viewed_pricing', type: 'event', data: { plan: 'pro' } },
      { name: '/signup', type: 'page', id: '01HZY4J3Z1V5QW6H5K1N6W3T9Y' },
    ]);
    expect(anonymous[0]?.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(emulator.events().filter((event) => event.name === 'invite_sent')).toMatchObject([{ anonymousId: undefined, data: { recipient: 'friend@example.com' } }]);
    expect(emulator.stats().operations).toMatchObject({ anonymous_event: 3 });
    expect(emulator.person('gone').state).toBe('deleted');
    expect(emulator.person('muted').state).toBe('suppressed');
    expect(emulator.person('back').state).not.toBe('suppressed');
    expect(emulator.person('secondary@example.com').state).not.toBe('active');
    expect(emulator.person('44')).toMatchObject({ attributes: { via: 'entity' } });
    const events = emulator.events({ person: '42' });
    expect(events.map((event) => event.name)).toEqual(['signed_up', 'paid', '/pricing']);
    // the caller's id kept, the others given a ULID by the gateway
    expect(events[1]?.id).toBe('01HZY4J3Z1V5QW6H5K1N6W3T9X');
    for (const event of [events[0], events[2]]) expect(event?.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('answers invalid calls synchronously in Customer.io\'s formats and enqueues only the valid operations of a batch', async () => {
    const cio = client({ retries: 0 });
    const before = delivered();
    const v1 = await refusal(cio.identify('42', { bio: 'x'.repeat(1_001) }));
    expect(v1.statusCode).toBe(400);
    expect(JSON.parse(v1.body)).toEqual({ meta: { errors: [expect.stringContaining("attribute 'bio'")] } });
    const event = await refusal(cio.track('42', { name: 'e'.repeat(101) }));
    expect(JSON.parse(event.body)).toEqual({ meta: { errors: [expect.stringContaining('event name')] } });
    const anonymous = await refusal(cio.trackAnonymous('anon-1', { name: 'e'.repeat(101) }));
    expect(anonymous.statusCode).toBe(400);
    expect(JSON.parse(anonymous.body)).toEqual({ meta: { errors: [expect.stringContaining('event name')] } });
    const anonymousId = await refusal(cio.trackAnonymous(7, { name: 'viewed' }));
    expect(JSON.parse(anonymousId.body)).toEqual({ meta: { errors: [expect.stringContaining('anonymous_id must be a string')] } });
    const update = await refusal(cio.identify('42', { _update: 'yes' }));
    expect(JSON.parse(update.body)).toEqual({ meta: { errors: [expect.stringContaining('_update must be true or false')] } });
    const merge = await refusal(cio.mergeCustomers(IdentifierType.Id, 'x'.repeat(151), IdentifierType.Email, 'x@example.com'));
    expect(merge.statusCode).toBe(400);
    expect(JSON.parse(merge.body)).toEqual({ meta: { error: expect.stringContaining('primary') } });
    const entity = await refusal(cio.entity({ type: 'person', action: 'event', identifiers: { id: '42' } }));
    expect(JSON.parse(entity.body)).toEqual({ errors: [{ reason: 'event_name_missing', field: 'name', message: expect.any(String) }] });
    const partial = await cio.batch([
      { type: 'person', action: 'identify', identifiers: { id: '46' }, attributes: { ok: true } },
      { type: 'person', action: 'identify', identifiers: { id: '47', email: 'two@example.com' } },
      { type: 'person', action: 'event', identifiers: { id: '46' }, name: 'kept' },
    ]);
    // a 207 resolves in customerio-node: the caller reads `errors`
    expect(partial).toEqual({ errors: [{ batch_index: 1, reason: 'multiple_identifiers', field: 'identifiers', message: expect.any(String) }] });
    await waitFor('the two valid operations of the batch delivered', () => delivered() === before + 2, 15_000);
    expect(emulator.person('46')).toMatchObject({ attributes: { ok: true } });
    expect(emulator.person('47').state).toBe('unknown');
  });

  it('answers 401 in Customer.io\'s format to wrong credentials and enqueues nothing', async () => {
    const before = delivered();
    const wrong = await refusal(client({ key: 'not-the-key', retries: 0 }).identify('42', { plan: 'stolen' }));
    expect(wrong.statusCode).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ meta: { errors: ['Unauthorized request. Make sure that you provided the right credentials.'] } });
    const v2 = await fetch(`${gateway.url}/api/v2/batch`, { method: 'POST', body: '{"batch":[]}', headers: { 'content-type': 'application/json' } });
    expect(v2.status).toBe(401);
    expect(await v2.json()).toEqual({ errors: [{ reason: 'unauthorized', field: 'authorization', message: expect.any(String) }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(delivered()).toBe(before);
  });

  it('refuses oversized, malformed and deeply nested bodies, and keeps serving', async () => {
    const auth = `Basic ${Buffer.from('site:key').toString('base64')}`;
    const post = (path: string, body: string): Promise<Response> => fetch(`${gateway.url}${path}`, { method: 'POST', body, headers: { authorization: auth, 'content-type': 'application/json' } });
    const huge = await post('/api/v2/batch', JSON.stringify({ batch: [{ type: 'person', action: 'identify', identifiers: { id: '1' }, attributes: { a: 'x'.repeat(600_000) } }] }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ errors: [{ reason: 'too_large', field: 'body', message: expect.stringContaining('at most 499999') }] });
    const malformed = await post('/api/v1/customers/42/events', '{"name": "half');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ meta: { errors: ['request body is not valid JSON'] } });
    const deep = await post('/api/v2/entity', `${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    expect(deep.status).toBe(400);
    expect((await deep.json())).toEqual({ errors: [{ reason: 'invalid', field: 'body', message: expect.stringContaining('deeper than 32') }] });
    expect(await client().identify('after-abuse', { ok: 1 })).toEqual({});
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/cioscale_gateway_requests_total\{workspace="default",outcome="too_large"\} 1/);
    expect(metrics).toMatch(/cioscale_gateway_requests_total\{workspace="default",outcome="malformed"\} 2/);
    expect(metrics).toMatch(/cioscale_gateway_requests_total\{workspace="",outcome="unauthorized"\} 2/);
  });

  it('loses nothing it accepted when a worker is killed mid-delivery or Redis restarts, and answers 503 while Redis is down', async () => {
    await stopWorkers();
    const before = delivered();
    const cio = client({ retries: 0 });
    await Promise.all(Array.from({ length: 100 }, (_, index) => cio.track(`p${index}`, { name: 'viewed' })));
    // persisted (AOF, fsync always) before each 200: a restart keeps all 100
    await redis.stop();
    const down = await refusal(cio.identify('42', { plan: 'during-outage' }));
    expect(down.statusCode).toBe(503);
    expect(down.response.headers['retry-after']).toBe('1');
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    await redis.restart();
    await waitFor('the gateway ready again', async () => (await fetch(`${gateway.url}/readyz`)).status === 200, 15_000);

    // slow answers keep the victim holding jobs when it dies
    emulator.configure({ faults: { latencyMs: 800 } });
    const victim = await startWorker({ CIO_BATCH_MAX_OPERATIONS: '10' });
    await waitFor('the victim delivering', () => emulator.stats().requests > 0 && delivered() > before, 15_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    emulator.configure({ faults: { latencyMs: 0 } });
    await startWorker();
    await waitFor('all 100 delivered', () => new Set(emulator.events({ limit: 10_000 }).filter((event) => event.name === 'viewed').map((event) => event.id)).size === 100, 30_000);
    expect(emulator.person('42')).not.toMatchObject({ attributes: { plan: 'during-outage' } });
  });

  it('answers 429 with Retry-After past the backlog limit, shows it in its metrics, and accepts again once the backlog drains', async () => {
    await stopWorkers();
    const small = await spawnGateway(gatewayEnv({ GATEWAY_MAX_BACKLOG: '5', CIO_QUEUE_NAMESPACE: `${namespace}b` }));
    try {
      const cio = new TrackClient('site', 'key', { url: `${small.url}/api/v1`, retry: { maxRetries: 0 } });
      for (let index = 0; index < 5; index++) await cio.identify(`b${index}`, { n: index });
      const full = await refusal(cio.identify('b5', { n: 5 }));
      expect(full.statusCode).toBe(429);
      expect(full.response.headers['retry-after']).toBe('1');
      expect(JSON.parse(full.body)).toEqual({ meta: { errors: [expect.stringContaining('limit 5')] } });
      const metrics = await (await fetch(`${small.url}/metrics`)).text();
      expect(metrics).toMatch(/cioscale_gateway_backpressure\{workspace="default"\} 1/);
      expect(metrics).toMatch(/cioscale_gateway_requests_total\{workspace="default",outcome="backlog"\} 1/);
      await startWorker({ CIO_QUEUE_NAMESPACE: `${namespace}b` });
      // the SDK's own retries honour Retry-After: a call made while full goes through once the backlog drains
      await waitFor('the backlog drained', async () => /cioscale_gateway_backpressure\{workspace="default"\} 0/.test(await (await fetch(`${small.url}/metrics`)).text()), 15_000);
      expect(await cio.identify('b5', { n: 5 })).toEqual({});
    } finally {
      small.child.kill('SIGTERM');
      expect(await small.exited).toBe(0);
      expect(small.output()).toContain('drained; every call was answered');
    }
  });
});
