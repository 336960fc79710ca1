import { track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { startEmulator } from '@cioscale/emulator';
import { freshNamespace, useTestRedis, waitFor } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createConsumer, createProducer, createRedisClient, RedisTokenSource, type ResolvedWorkspace } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

const workspace = (name: string): ResolvedWorkspace => ({ name, siteIdEnv: 'X', apiKeyEnv: 'Y', region: 'us', rate: 100, burst: 10, shards: 1 });

describe('fairness across the workspaces of one worker', () => {
  it('a workspace whose budget is paused holds only its own job slots: the other workspace’s jobs are delivered meanwhile', async () => {
    const namespace = freshNamespace();
    const emulator = await startEmulator({ workspaces: ['a:ka', 'b:kb'], rate: 0 });
    const transports = [createTrackTransport({ siteId: 'a', apiKey: 'ka', url: emulator.url }), createTrackTransport({ siteId: 'b', apiKey: 'kb', url: emulator.url })];
    const producer = createProducer({ redis: ctx.server.url, namespace, workspaces: [workspace('a'), workspace('b')] });
    // one worker serving both, on one Redis connection, as apps/worker does; 20 job slots per workspace
    const consumers = (['a', 'b'] as const).map((name, index) =>
      createConsumer({ redis: ctx.redis, namespace, workspace: workspace(name), transport: (transports[index] as (typeof transports)[number]).send, concurrency: 20, batch: { maxOperations: 5 } }),
    );
    try {
      await Promise.all(consumers.map((consumer) => consumer.budget));
      // workspace a: a 429 paused its whole budget for a minute, and 2,000 jobs wait
      new RedisTokenSource(ctx.redis, { namespace, workspace: 'a' }).penalize(60_000);
      await producer.enqueueMany(Array.from({ length: 2_000 }, (_, n) => ({ operation: track(`a${n}`, 'stuck'), workspace: 'a' })));
      await waitFor('a holding its slots', () => (consumers[0] as (typeof consumers)[number]).inFlight() >= 20, 10_000);
      await producer.enqueueMany(Array.from({ length: 300 }, (_, n) => ({ operation: track(`b${n}`, 'flows'), workspace: 'b' })));
      await waitFor('b delivered', () => emulator.stats('b').acceptedOperations === 300, 15_000);
      expect(emulator.stats('a').acceptedOperations).toBe(0);
      // a never holds more than its own slots, however many of its jobs wait
      expect((consumers[0] as (typeof consumers)[number]).inFlight()).toBeLessThanOrEqual(20);
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.close(1_000)));
      await producer.close();
      await Promise.all(transports.map((transport) => transport.close()));
      await emulator.close();
    }
  });
});
