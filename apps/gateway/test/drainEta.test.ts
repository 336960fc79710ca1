/**
 * Drain-ETA backpressure end to end: a real redis-server, a real worker process delivering into the
 * emulator, and the gateway process. The depth limit is far away (100,000); what refuses is the time the
 * workers, at the rate they report finishing operations, need to deliver what waits.
 */
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { createRedisClient, setBudget, type RedisClient } from '@cioscale/queue';
import { freshNamespace, startRedis, waitFor, type TestRedis } from '@cioscale/test-support';
import { spawnWorker, type SpawnedWorker } from '@cioscale/worker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from './support/spawnGateway.js';

const MAX_DRAIN_SECONDS = 3;
const MAX_RETRY_AFTER_SECONDS = 300;
const WAITING = 200;

let redis: TestRedis;
let admin: RedisClient;
let emulator: EmulatorHandle;
let gateway: SpawnedGateway;
let worker: SpawnedWorker | undefined;
const namespace = freshNamespace();
const auth = `Basic ${Buffer.from('site:key').toString('base64')}`;

const identify = (id: string): Promise<Response> =>
  fetch(`${gateway.url}/api/v1/customers/${id}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ plan: 'eta' }) });
const metrics = async (): Promise<string> => (await fetch(`${gateway.url}/metrics`)).text();
/** The value of `name{workspace="default"}` on /metrics; undefined while it has no sample. */
const gauge = async (name: string): Promise<number | undefined> => {
  const match = new RegExp(`^${name}\\{workspace="default"\\} (\\S+)$`, 'm').exec(await metrics());
  return match ? Number(match[1]!.replace('+Inf', 'Infinity')) : undefined;
};

beforeAll(async () => {
  redis = await startRedis();
  admin = createRedisClient(redis.url, 'worker');
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 0 });
  gateway = await spawnGateway({
    REDIS_URL: redis.url,
    CIO_QUEUE_NAMESPACE: namespace,
    CUSTOMERIO_SITE_ID: 'site',
    CUSTOMERIO_TRACK_API_KEY: 'key',
    GATEWAY_BACKLOG_REFRESH_MS: '100',
    GATEWAY_RETRY_AFTER_SECONDS: '1',
    GATEWAY_MAX_DRAIN_SECONDS: String(MAX_DRAIN_SECONDS),
    GATEWAY_DRAIN_MIN_BACKLOG: '20',
    GATEWAY_DRAIN_WINDOW_MS: '3000',
    GATEWAY_MAX_RETRY_AFTER_SECONDS: String(MAX_RETRY_AFTER_SECONDS),
  });
});

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await worker?.exited;
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  admin?.disconnect();
  await emulator?.close();
  await redis?.close();
});

describe('the gateway’s drain-ETA limit', () => {
  it('with no worker running, answers 429 with the longest Retry-After once the backlog passes its minimum depth', async () => {
    const batch = Array.from({ length: WAITING }, (_, index) => ({ type: 'person', action: 'identify', identifiers: { id: `p${index}` }, attributes: { n: index } }));
    const accepted = await fetch(`${gateway.url}/api/v2/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(accepted.status).toBe(200);
    await waitFor('the gateway to read that nothing drains', async () => (await gauge('cioscale_gateway_drain_eta_seconds')) === Number.POSITIVE_INFINITY, 15_000);

    const refused = await identify('late');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(MAX_RETRY_AFTER_SECONDS));
    expect(((await refused.json()) as { meta: { errors: string[] } }).meta.errors).toEqual([
      `workspace default has ${WAITING} operations waiting, and its workers finish none (limit ${MAX_DRAIN_SECONDS} s); retry after ${MAX_RETRY_AFTER_SECONDS} s`,
    ]);
    const page = await metrics();
    expect(page).toContain('cioscale_gateway_requests_total{workspace="default",outcome="drain_eta"} 1');
    expect(page).toContain('cioscale_gateway_backpressure{workspace="default"} 1');
    expect(page).toContain(`cioscale_gateway_drain_eta_limit_seconds{workspace="default"} ${MAX_DRAIN_SECONDS}`);
  });

  it('with a slow worker, answers 429 with a Retry-After of the ETA’s excess, and 200 again once the backlog drains', async () => {
    // 2 operations a second: 200 waiting is ~100 s of delivery, far past the 3 s limit
    worker = await spawnWorker({
      REDIS_URL: redis.url,
      CIO_QUEUE_NAMESPACE: namespace,
      CUSTOMERIO_SITE_ID: 'site',
      CUSTOMERIO_TRACK_API_KEY: 'key',
      CIO_TRACK_URL: emulator.url,
      CIO_RATE_LIMIT: '2',
      CIO_RATE_BURST: '1',
      CIO_BATCH_MAX_OPERATIONS: '1',
    });
    await waitFor('the gateway to measure the worker’s rate', async () => ((await gauge('cioscale_gateway_drain_rate')) ?? 0) > 0, 30_000);
    const refused = await identify('slow');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // finite: the ETA's excess over the limit, not the stopped fleet's longest
    expect(retryAfter).toBeGreaterThan(1);
    expect(retryAfter).toBeLessThan(MAX_RETRY_AFTER_SECONDS);
    const [message] = ((await refused.json()) as { meta: { errors: string[] } }).meta.errors;
    const stated = /about (\d+) s of delivery at the ([\d.]+) operations\/s its workers finish \(limit 3 s\); retry after (\d+) s$/.exec(message ?? '');
    expect(stated, message).not.toBeNull();
    expect(Number(stated![2])).toBeGreaterThan(0);
    expect(Number(stated![3])).toBe(retryAfter);
    expect(retryAfter).toBe(Number(stated![1]) - MAX_DRAIN_SECONDS);

    // the budget raised live: the same worker drains the rest, and the gateway accepts again
    await setBudget(admin, 'default', { rate: 500, burst: 50 }, namespace);
    await waitFor('the backlog drained', () => emulator.stats().acceptedOperations === WAITING, 60_000);
    await waitFor('the gateway to accept again', async () => (await gauge('cioscale_gateway_backpressure')) === 0, 15_000);
    expect((await identify('after')).status).toBe(200);
    await waitFor('the accepted call delivered', () => emulator.stats().acceptedOperations === WAITING + 1, 30_000);
    // the refused calls were never enqueued: only what was answered 200 reached Customer.io
    expect(emulator.person('late')).toEqual({ state: 'unknown' });
    expect(emulator.person('slow')).toEqual({ state: 'unknown' });
    expect(emulator.person('after')).toMatchObject({ attributes: { plan: 'eta' } });
  });
});
