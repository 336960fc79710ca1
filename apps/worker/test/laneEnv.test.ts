/**
 * `CIO_LANE`: a worker fleet can take its requests from the bulk lane of the workspace's budget (a backfill
 * fleet that gets what live traffic leaves), or from live (the default). Real Redis, real worker processes.
 */
import { track } from '@cioscale/core';
import { createRedisClient, readLanes } from '@cioscale/queue';
import { waitFor } from '@cioscale/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.close();
});

const ops = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => track(`${prefix}${index}`, 'viewed'));

describe('CIO_LANE', () => {
  it('bulk: every request of the fleet is granted from the bulk lane; unset: from live', async () => {
    const redis = createRedisClient(stack.redis.url, 'worker');
    try {
      const [bulk] = await stack.start(1, { CIO_LANE: 'bulk', CIO_BATCH_MAX_OPERATIONS: '10' });
      expect(bulk?.output()).toMatch(/; lane bulk; /);
      await stack.producer.enqueueMany(ops('b', 100));
      await waitFor('100 delivered by the bulk fleet', () => stack.emulator.stats().acceptedOperations === 100, 30_000);
      const afterBulk = await readLanes(redis, 'default', stack.namespace);
      expect(afterBulk?.bulk.granted).toBe(stack.emulator.stats().requests);
      expect(afterBulk?.live.granted).toBe(0);
      bulk?.child.kill('SIGTERM');
      expect(await bulk?.exited).toBe(0);

      const [live] = await stack.start(1, { CIO_BATCH_MAX_OPERATIONS: '10' });
      expect(live?.output()).toMatch(/; lane live; /);
      await stack.producer.enqueueMany(ops('l', 100));
      await waitFor('100 more delivered by the live fleet', () => stack.emulator.stats().acceptedOperations === 200, 30_000);
      const afterLive = await readLanes(redis, 'default', stack.namespace);
      expect(afterLive?.bulk.granted).toBe(afterBulk?.bulk.granted);
      expect((afterLive?.live.granted ?? 0) + (afterLive?.bulk.granted ?? 0)).toBe(stack.emulator.stats().requests);
      expect(afterLive?.live.granted).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
