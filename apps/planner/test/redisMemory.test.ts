/**
 * The planner's bytes per waiting job (REDIS_JOB_BYTES), against a real BullMQ queue: the repository's
 * producer fills a queue on a redis-server of this test, and `MEMORY USAGE` is read for every key of it.
 */
import { identify } from '@cioscale/core';
import { createProducer, createRedisClient, queueLocation, waitListKey } from '@cioscale/queue';
import { useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { REDIS_JOB_BYTES } from '../src/constants.js';
import { planCapacity } from '../src/plan.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));
const JOBS = 2_000;

/** Fills a fresh queue with JOBS identifies whose serialized size is about `opBytes`; returns what Redis says. */
async function fill(namespace: string, opBytes: number): Promise<{ operationBytes: number; jobHashBytes: number; waitListBytes: number; otherKeys: string[] }> {
  const producer = createProducer({ redis: ctx.server.url, namespace });
  try {
    const base = JSON.stringify(identify('user-0000', { plan: 'pro', note: '' }));
    // `timestamp` is stamped by the producer (~24 bytes): leave room for it
    const note = 'x'.repeat(Math.max(0, opBytes - base.length - 24));
    for (let start = 0; start < JOBS; start += 500) {
      await producer.enqueueMany(Array.from({ length: 500 }, (_, i) => ({ operation: identify(`user-${String(start + i).padStart(4, '0')}`, { plan: 'pro', note }), sourceKey: `row-${start + i}` })));
    }
  } finally {
    await producer.close();
  }
  const location = queueLocation(namespace, 'default');
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await ctx.redis.scan(cursor, 'MATCH', `${location.prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const usage = async (key: string): Promise<number> => Number(await ctx.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const jobKeys = keys.filter((key) => /:ops:[0-9A-Z]{26}$/.test(key));
  const sizes = await Promise.all(jobKeys.map(usage));
  const sample = JSON.parse((await ctx.redis.hget(jobKeys[0] as string, 'data')) as string) as { operation: unknown };
  return {
    operationBytes: Buffer.byteLength(JSON.stringify(sample.operation)),
    jobHashBytes: sizes.reduce((sum, size) => sum + size, 0),
    waitListBytes: await usage(waitListKey(location)),
    otherKeys: keys.filter((key) => !jobKeys.includes(key)),
  };
}

describe('Redis memory of a waiting job, measured with MEMORY USAGE over a queue the producer filled', () => {
  it.each([
    ['a small identify', 'small', 220],
    ['a 1 KB identify', 'large', 1_000],
  ])('for %s is what the planner assumes, within a fifth', async (_name, namespace, opBytes) => {
    const measured = await fill(namespace, opBytes);
    expect(measured.operationBytes).toBeGreaterThan(opBytes * 0.9);
    expect(measured.operationBytes).toBeLessThan(opBytes * 1.1);
    // every job is a hash of its own and waits in the list; the rest is bounded (events stream, meta, id)
    expect(measured.otherKeys.map((key) => key.split(':').pop()).sort()).toEqual(['events', 'id', 'marker', 'meta', 'wait']);
    const perJob = (measured.jobHashBytes + measured.waitListBytes) / JOBS;
    const assumed = REDIS_JOB_BYTES.fixed + REDIS_JOB_BYTES.perOperationByte * measured.operationBytes;
    expect(Math.abs(assumed - perJob) / perJob).toBeLessThan(0.2);
    // and the plan's backlog uses that figure
    const plan = planCapacity({ dailyOperations: 1_000_000, peakFactor: 1, budget: 100, avgOperationBytes: measured.operationBytes, outageHours: 24, workspaces: 1, region: 'us', redisNodeGb: 8 });
    expect(Math.abs(plan.redis.backlogBytes / plan.redis.backlogOperations - perJob) / perJob).toBeLessThan(0.2);
  });
});
