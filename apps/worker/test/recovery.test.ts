import { waitFor } from '@cioscale/test-support';
import { track } from '@cioscale/core';
import { connectRedis, queueLocation } from '@cioscale/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const LOCK_MS = 4_000;
const STALLED_MS = 1_000;

describe('recovery after kill -9 of a worker', () => {
  it('its jobs are back in wait within lock duration + stalled interval (docs/operations-queue.md), and all are delivered', async () => {
    stack = await startStack();
    const { emulator, namespace, producer, redis } = stack;
    // slow answers keep the victim holding jobs in its requests when it dies
    emulator.configure({ faults: { latencyMs: 1_500 } });
    const [victim] = await stack.start(2, { WORKER_LOCK_DURATION_MS: String(LOCK_MS), WORKER_STALLED_INTERVAL_MS: String(STALLED_MS), CIO_BATCH_MAX_OPERATIONS: '20' });
    const ids = await producer.enqueueMany(Array.from({ length: 400 }, (_, index) => track(`p${index}`, 'viewed')));
    const queue = producer.queues.get('default')![0]!;
    await waitFor('jobs held by both workers', async () => (await queue.getActiveCount()) > 40);
    victim!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim!.exited;

    await waitFor('all delivered', () => new Set(emulator.events({ limit: 1_000 }).map((event) => event.id)).size === ids.length, 60_000);
    const location = queueLocation(namespace, 'default');
    const client = await connectRedis(redis.url, 'producer');
    try {
      // BullMQ's own record of each recovery: a `stalled` event, its stream id in Redis time (this host's clock)
      const entries = (await client.xrange(`${location.prefix}:${location.name}:events`, '-', '+')) as [string, string[]][];
      const stalledAt = entries.filter(([, fields]) => fields[1] === 'stalled').map(([id]) => Number(id.split('-')[0]));
      expect(stalledAt.length).toBeGreaterThan(0);
      // the bound; the second is for a loaded test machine, whose timers run late
      for (const at of stalledAt) expect(at - killedAt).toBeLessThanOrEqual(LOCK_MS + STALLED_MS + 1_000);
      // never before the lock could have expired: the last renewal was at most half a lock before the kill
      for (const at of stalledAt) expect(at - killedAt).toBeGreaterThanOrEqual(LOCK_MS / 2 - 500);
    } finally {
      client.disconnect();
    }
    await waitFor('all completed', async () => (await queue.getCompletedCount()) === ids.length);
    expect(await queue.getFailedCount()).toBe(0);
  });
});
