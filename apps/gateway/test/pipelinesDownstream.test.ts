/**
 * The gateway's downstream on the Data Pipelines API: callers still speak the Track API to the gateway (the
 * unmodified customerio-node TrackClient); the gateway only enqueues, and a worker fleet with
 * `CIO_API=pipelines` delivers to the emulator's Pipelines port. Nothing in the gateway knows which API the
 * fleet delivers to.
 */
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { freshNamespace, startRedis, waitFor, type TestRedis } from '@cioscale/test-support';
import { spawnWorker, type SpawnedWorker } from '@cioscale/worker/testing';
import { TrackClient } from 'customerio-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from './support/spawnGateway.js';

const WRITE_KEY = 'wk-SECRET-gateway-downstream-31f0';
let redis: TestRedis;
let emulator: EmulatorHandle;
let gateway: SpawnedGateway;
let worker: SpawnedWorker;
const namespace = freshNamespace();

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 100, pipelines: { rate: 0, writeKeys: { site: WRITE_KEY } } });
  gateway = await spawnGateway({ REDIS_URL: redis.url, CIO_QUEUE_NAMESPACE: namespace, CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: 'key' });
  worker = await spawnWorker({
    REDIS_URL: redis.url,
    CIO_QUEUE_NAMESPACE: namespace,
    CIO_API: 'pipelines',
    CUSTOMERIO_PIPELINES_WRITE_KEY: WRITE_KEY,
    CIO_PIPELINES_URL: emulator.pipelinesUrl as string,
  });
});

afterAll(async () => {
  for (const child of [worker?.child, gateway?.child]) if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await emulator?.close();
  await redis?.close();
});

describe('gateway → queue → worker fleet on the Data Pipelines API', () => {
  it('every accepted Track call reaches the ledger through Pipelines once; nothing goes to the Track port', async () => {
    const cio = new TrackClient('site', 'key', { url: `${gateway.url}/api/v1` });
    await cio.identify('ada', { plan: 'pro', email: 'ada@example.com' });
    await cio.identify('bob', { plan: 'free' });
    await cio.track('ada', { name: 'purchased', data: { amount: 12 } });
    await cio.trackPageView('ada', '/pricing');
    await cio.addDevice('ada', 'device-token-1', 'ios');
    await cio.deleteDevice('ada', 'device-token-1');
    await cio.suppress('bob');
    await cio.identify('carol', { plan: 'team' });
    await cio.destroy('carol');
    await waitFor('9 Pipelines calls applied', () => emulator.pipelinesStats().acceptedCalls === 9, 30_000);
    const stats = emulator.pipelinesStats();
    expect(stats.strictRequests).toBe(stats.requests);
    expect(emulator.stats().requests).toBe(0);
    expect(emulator.person('ada')).toMatchObject({ state: 'active', attributes: { plan: 'pro', email: 'ada@example.com' } });
    expect(emulator.events({ person: 'ada', name: 'purchased' })).toHaveLength(1);
    expect(emulator.person('bob').state).toBe('suppressed');
    expect(emulator.person('carol').state).not.toBe('active');
    expect(`${worker.output()}${gateway.output()}`).not.toContain(WRITE_KEY);
  });
});
