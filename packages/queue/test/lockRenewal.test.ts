import { track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { freshNamespace, startRedis, startTcpProxy, waitFor, type TcpProxy, type TestRedis } from '@cioscale/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, createRedisClient, defaultWorkspace } from '../src/index.js';

// A slow round trip to Redis (another zone, or a CPU so overloaded that every reply waits for a time slice).
// BullMQ fetches a worker's `concurrency` free slots one round trip after another before it starts the first
// processor: 300 fetches at ≥ 20 ms each take ≥ 6 s, well past the 2 s lock the test scales the 30 s one to.
const HELD = 300;
const ONE_WAY_DELAY_MS = 10;

let server: TestRedis;
let proxy: TcpProxy;
let emulator: EmulatorHandle;

beforeAll(async () => {
  server = await startRedis();
  proxy = await startTcpProxy(server.port, { delayMs: ONE_WAY_DELAY_MS });
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 0 });
});
afterAll(async () => {
  await emulator.close();
  await proxy.close();
  await server.close();
});

describe('job locks while a worker fills its slots', () => {
  it('a backlog fetched over a slow Redis round trip is delivered once: no lock lost, none sent twice, none failed', async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: server.url, namespace });
    const ids = await producer.enqueueMany(Array.from({ length: HELD }, (_, index) => track(`p${index % 50}`, 'viewed', { index })));
    const redis = createRedisClient(`redis://127.0.0.1:${proxy.port}`, 'worker');
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const errors: string[] = [];
    const consumer = createConsumer({
      redis,
      namespace,
      workspace: defaultWorkspace({ rate: 100 }),
      transport: transport.send,
      concurrency: HELD,
      // 30 s / 30 s scaled down, so the test takes seconds: renewed every second, stalled jobs looked for every second
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    try {
      const queue = consumer.queues[0]!;
      const counts = (): Promise<Record<string, number>> => queue.getJobCounts('wait', 'active', 'failed', 'completed');
      // settled, or a job already sent twice (without the fix the queue never settles: held jobs keep stalling)
      await waitFor('every job finished, or one sent twice', async () => {
        const now = await counts();
        return emulator.stats().duplicateEvents > 0 || (now['wait'] === 0 && now['active'] === 0);
      }, 60_000);
      // one more stalled check after the last completion: a job taken back would be in wait or sent again
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(emulator.stats()).toMatchObject({ acceptedOperations: HELD, duplicateEvents: 0 });
      expect(new Set(emulator.events({ limit: 10_000 }).map((event) => event.id))).toEqual(new Set(ids));
      expect(await counts()).toEqual({ wait: 0, active: 0, failed: 0, completed: HELD });
      // neither "Missing lock for job … moveToFinished" nor "could not renew lock"
      expect(errors.filter((message) => /lock/i.test(message))).toEqual([]);
    } finally {
      await consumer.close(5_000);
      await producer.close();
      await transport.close();
      redis.disconnect();
    }
  }, 90_000);

  it('jobs held past their lock while they wait for budget tokens keep their locks: delivered once each', async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: server.url, namespace });
    const ids = await producer.enqueueMany(Array.from({ length: 60 }, (_, index) => track(`p${index}`, 'waited', { index })));
    const redis = createRedisClient(server.url, 'worker');
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const errors: string[] = [];
    // 6 requests of 10 at 1 request/s: the last batch waits ~5 s for its token, past a 1 s lock, renewed meanwhile
    const consumer = createConsumer({
      redis,
      namespace,
      workspace: defaultWorkspace({ rate: 1, burst: 1 }),
      transport: transport.send,
      concurrency: 60,
      batch: { maxOperations: 10, maxWaitMs: 50 },
      lockDurationMs: 1_000,
      stalledIntervalMs: 500,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    try {
      const queue = consumer.queues[0]!;
      await waitFor('every job finished, or one sent twice', async () => {
        const now = await queue.getJobCounts('wait', 'active');
        return emulator.stats().duplicateEvents > 0 || (now['wait'] === 0 && now['active'] === 0);
      }, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(new Set(emulator.events({ limit: 10_000, name: 'waited' }).map((event) => event.id))).toEqual(new Set(ids));
      expect(emulator.stats().duplicateEvents).toBe(0);
      expect(await queue.getJobCounts('wait', 'active', 'failed', 'completed')).toEqual({ wait: 0, active: 0, failed: 0, completed: 60 });
      expect(errors.filter((message) => /lock/i.test(message))).toEqual([]);
    } finally {
      await consumer.close(5_000);
      await producer.close();
      await transport.close();
      redis.disconnect();
    }
  }, 90_000);
});
