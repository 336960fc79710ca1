import { identify } from '@cioscale/core';
import type { Producer } from '@cioscale/queue';
import { createProducer, createRedisClient } from '@cioscale/queue';
import { useTestRedis } from '@cioscale/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { one, render } from './render.js';
import { deployedEnv, readAsWorker } from './worker.js';

const keda = render('overlays/keda');
const trigger = one<K8sObject & { spec: { triggers: { type: string; metadata: Record<string, string> }[] } }>(keda, 'ScaledObject').spec.triggers.find((candidate) => candidate.type === 'redis');
const listName = trigger?.metadata['listName'] ?? '';
const { config } = readAsWorker(deployedEnv(keda));

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));
let producer: Producer;
beforeAll(async () => {
  // The producer applications use, with the namespace and workspace the deployed worker consumes.
  producer = createProducer({ redis: ctx.server.url, namespace: config.namespace, workspaces: config.workspaces.map((served) => served.workspace) });
});
afterAll(async () => {
  await producer?.close();
});

describe('the KEDA trigger’s list, in a real Redis fed by the real producer', () => {
  it('is the list an enqueued operation waits in', async () => {
    expect(await ctx.redis.exists(listName)).toBe(0);
    await producer.enqueue(identify('keda-1', { plan: 'pro' }));
    expect(await ctx.redis.type(listName)).toBe('list');
    expect(await ctx.redis.llen(listName)).toBe(1);
    await producer.enqueueMany([identify('keda-2'), identify('keda-3')]);
    expect(await ctx.redis.llen(listName)).toBe(3);
  });

  it('does not count delayed or prioritized jobs, as the ScaledObject’s note says', async () => {
    const queue = producer.queues.get(config.workspaces[0]!.workspace.name)?.[0];
    expect(queue).toBeDefined();
    const before = await ctx.redis.llen(listName);
    const data = { operation: identify('keda-later'), id: 'later', producedAt: Date.now(), workspace: 'default' };
    await queue!.add('identify', data, { delay: 60_000 });
    await queue!.add('identify', { ...data, id: 'urgent' }, { priority: 1 });
    expect(await ctx.redis.llen(listName)).toBe(before);
    expect(await queue!.getJobCounts('delayed', 'prioritized')).toEqual({ delayed: 1, prioritized: 1 });
  });
});
