import { track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { firstValueFrom } from 'rxjs';
import { freshNamespace, startCluster, type TestCluster, waitFor } from '@cioscale/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, createRedisClient, parseWorkspaces, RedisTokenSource, type RedisClient } from '../src/index.js';

let cluster: TestCluster;
let redis: RedisClient;
let emulator: EmulatorHandle;

beforeAll(async () => {
  cluster = await startCluster();
  redis = createRedisClient({ cluster: cluster.nodes }, 'worker');
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 100 });
});
afterAll(async () => {
  redis.disconnect();
  await emulator.close();
  await cluster.close();
});

describe('on a 3-master Redis Cluster', () => {
  it('queues (sharded over the masters) and the token bucket work end to end', async () => {
    const namespace = freshNamespace();
    const [workspace] = parseWorkspaces({ workspaces: [{ name: 'main', shards: 3, rate: 100 }] });
    const producer = createProducer({ redis: { cluster: cluster.nodes }, namespace, workspaces: [workspace!] });
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const consumer = createConsumer({ redis, namespace, workspace: workspace!, transport: transport.send });
    try {
      const ids = await producer.enqueueMany(Array.from({ length: 600 }, (_, index) => track(`p${index}`, 'viewed')));
      await waitFor('600 events', () => emulator.events({ limit: 10_000 }).length === 600);
      expect(new Set(emulator.events({ limit: 10_000 }).map((event) => event.id))).toEqual(new Set(ids));
      expect(emulator.stats().rateLimited).toBe(0);
      for (const queue of producer.queues.get('main') ?? []) expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await consumer.close(5_000);
      await producer.close();
      await transport.close();
    }
  });

  it('the token bucket holds one budget for every source', async () => {
    const namespace = freshNamespace();
    const sources = Array.from({ length: 3 }, () => new RedisTokenSource(redis, { namespace, workspace: 'w', rate: 40, burst: 4 }));
    const until = Date.now() + 1_000;
    let granted = 0;
    await Promise.all(
      sources.map(async (source) => {
        while (Date.now() < until) {
          await firstValueFrom(source.take());
          if (Date.now() <= until) granted += 1;
        }
      }),
    );
    expect(granted).toBeLessThanOrEqual(40 + 4 + 1);
    expect(granted).toBeGreaterThanOrEqual(20);
  });
});
