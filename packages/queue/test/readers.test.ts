import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { PipelineMetrics, track } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { bucketKeys, createProducer, DeadLetter, MetricsChannel, parseWorkspaces, QueueShards, queueLocation, readBudget, readDeadLetterSamples, readLiveWorkers, RedisTokenSource, type DeadLetterRecord, createRedisClient } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

/** An empty pipeline snapshot taken at `at`. */
const report = (at: number) => ({ ...new PipelineMetrics().snapshot(), at });

/** Redis's clock, ms: what the bucket scripts refill by. */
async function redisNow(): Promise<number> {
  const [seconds, micros] = await ctx.redis.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

describe('readBudget', () => {
  it('is null for a workspace without a bucket, and creates none', async () => {
    const namespace = freshNamespace();
    expect(await readBudget(ctx.redis, 'unborn', namespace)).toBeNull();
    expect(await ctx.redis.keys(`{${namespace}:unborn}*`)).toEqual([]);
  });

  it('refills the tokens to Redis\'s clock as the bucket scripts do, without saving anything', async () => {
    const namespace = freshNamespace();
    const { bucket } = bucketKeys(namespace, 'w');
    // one token per 1000 s, last taken 2000 s ago: 2 tokens however slow this machine is
    await ctx.redis.hset(bucket, { ceiling: 0.001, rate: 0.001, burst: 10, tokens: 0, ts: (await redisNow()) - 2_000_000, growth: 0 });
    const stored = await ctx.redis.hgetall(bucket);
    const reading = await readBudget(ctx.redis, 'w', namespace);
    expect(reading).toMatchObject({ ceiling: 0.001, rate: 0.001, burst: 10, pausedUntil: 0 });
    expect(reading?.tokens).toBeCloseTo(2, 2);
    expect(await ctx.redis.hgetall(bucket)).toEqual(stored);
    // never above the burst, and a clock behind the bucket's takes nothing away
    await ctx.redis.hset(bucket, { ts: (await redisNow()) - 1e12 });
    expect((await readBudget(ctx.redis, 'w', namespace))?.tokens).toBe(10);
    await ctx.redis.hset(bucket, { tokens: 3, ts: (await redisNow()) + 60_000 });
    expect((await readBudget(ctx.redis, 'w', namespace))?.tokens).toBe(3);
  });

  it('shows the fleet-wide pause after a 429 and the rate it cut', async () => {
    const namespace = freshNamespace();
    const source = new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 100, burst: 10 });
    await source.refresh();
    source.penalize(30_000);
    await source.refresh();
    const before = Date.now();
    const reading = await readBudget(ctx.redis, 'w', namespace);
    expect(reading).toMatchObject({ ceiling: 100, rate: 50, burst: 10 });
    expect(reading?.pausedUntil).toBeGreaterThan(before);
    expect(reading?.pausedUntil).toBeLessThanOrEqual(Date.now() + 30_000);
  });
});

describe('QueueShards', () => {
  it('reads the job counts and pause state of every shard, and pauses and resumes one for the fleet', async () => {
    const namespace = freshNamespace();
    const workspaces = parseWorkspaces({ workspaces: [{ name: 'us1', shards: 2 }] });
    const producer = createProducer({ redis: ctx.server.url, namespace, workspaces });
    const shards = new QueueShards(ctx.redis, namespace);
    try {
      await producer.enqueueMany(Array.from({ length: 40 }, (_, index) => ({ operation: track(`p${index}`, 'e'), workspace: 'us1' })));
      const readings = await shards.read('us1', 2);
      expect(readings.map((reading) => [reading.shard, reading.waitList, reading.paused])).toEqual([
        [0, `{${namespace}:us1}:ops:wait`, false],
        [1, `{${namespace}:us1:1}:ops:wait`, false],
      ]);
      expect(readings.reduce((sum, reading) => sum + reading.counts.waiting, 0)).toBe(40);
      expect(readings.every((reading) => reading.counts.waiting > 0 && reading.counts.active === 0)).toBe(true);
      await shards.setPaused('us1', 1, true);
      const paused = await shards.read('us1', 2);
      expect(paused.map((reading) => reading.paused)).toEqual([false, true]);
      // BullMQ parks a paused queue's jobs apart from `waiting`
      expect(paused[1]?.counts.paused).toBe(readings[1]?.counts.waiting);
      await shards.setPaused('us1', 1, false);
      expect((await shards.read('us1', 2)).map((reading) => reading.paused)).toEqual([false, false]);
    } finally {
      await shards.close();
      await producer.close();
    }
  });

  it('replays one shard\'s dead letter into that shard\'s queue under the original ids', async () => {
    const namespace = freshNamespace();
    const shards = new QueueShards(ctx.redis, namespace);
    const record = (id: string): DeadLetterRecord => ({ id, workspace: 'us1', operation: track('ada', 'paid'), producedAt: 0, status: 'failed', reason: 'CIO_RETRIES_EXHAUSTED', message: 'gave up', attempts: 5, deadAt: 1_000 });
    try {
      await shards.deadLetter('us1', 1).add(record('a'));
      await shards.deadLetter('us1', 1).add(record('b'));
      expect(shards.deadLetter('us1', 1).location).toEqual(queueLocation(namespace, 'us1', 1));
      expect(await shards.replayDeadLetters('us1', 1, { ids: ['b'] })).toEqual(['b']);
      expect((await shards.deadLetter('us1', 1).list()).map(({ id }) => id)).toEqual(['a']);
      const [shard0, shard1] = await shards.read('us1', 2);
      expect([shard0?.counts.waiting, shard1?.counts.waiting]).toEqual([0, 1]);
      expect(await ctx.redis.lrange(shard1!.waitList, 0, -1)).toEqual(['b']);
    } finally {
      await shards.close();
    }
  });

  it('writes nothing when it reads a workspace nobody has used', async () => {
    const namespace = freshNamespace();
    const shards = new QueueShards(ctx.redis, namespace);
    try {
      expect((await shards.read('unborn', 1))[0]?.counts).toEqual({ waiting: 0, prioritized: 0, paused: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
      expect(await ctx.redis.keys(`{${namespace}:unborn}*`)).toEqual([]);
    } finally {
      await shards.close();
    }
  });
});

describe('readDeadLetterSamples', () => {
  it('counts every shard\'s records and keeps the newest reasons, without the operation', async () => {
    const namespace = freshNamespace();
    const record = (id: string, shard: number, deadAt: number): DeadLetterRecord => ({
      id,
      workspace: 'us1',
      operation: track('ada', 'signed_up', { email: 'ada@example.com' }),
      producedAt: 0,
      status: 'rejected',
      reason: `reason-${id}`,
      message: `message-${id}`,
      ...(shard === 1 && { field: 'name' }),
      attempts: 1,
      deadAt,
    });
    await new DeadLetter(ctx.redis, queueLocation(namespace, 'us1', 0)).add(record('a', 0, 1_000));
    await new DeadLetter(ctx.redis, queueLocation(namespace, 'us1', 0)).add(record('c', 0, 3_000));
    await new DeadLetter(ctx.redis, queueLocation(namespace, 'us1', 1)).add(record('b', 1, 2_000));
    const summary = await readDeadLetterSamples(ctx.redis, 'us1', { shards: 2, limit: 2, namespace });
    expect(summary).toEqual({
      count: 3,
      recent: [
        { id: 'c', status: 'rejected', reason: 'reason-c', message: 'message-c', deadAt: 3_000 },
        { id: 'b', status: 'rejected', reason: 'reason-b', message: 'message-b', field: 'name', deadAt: 2_000 },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain('ada@example.com');
    expect(await readDeadLetterSamples(ctx.redis, 'us1', { shards: 2, limit: 0, namespace })).toEqual({ count: 3, recent: [] });
  });
});

describe('readLiveWorkers', () => {
  it('lists the workers by id, each seen when its newest report was taken', async () => {
    const channel = new MetricsChannel(ctx.redis, { namespace: freshNamespace() });
    await channel.publish({ workerId: 'b', host: 'h2', pid: 2, startedAt: 100, workspaces: { us1: report(500), eu1: report(700) } });
    await channel.publish({ workerId: 'a', host: 'h1', pid: 1, startedAt: 900, workspaces: {} });
    const workers = await readLiveWorkers(channel);
    expect(workers.map(({ id, host, pid, startedAt, lastSeen }) => ({ id, host, pid, startedAt, lastSeen }))).toEqual([
      { id: 'a', host: 'h1', pid: 1, startedAt: 900, lastSeen: 900 },
      { id: 'b', host: 'h2', pid: 2, startedAt: 100, lastSeen: 700 },
    ]);
    expect(Object.keys(workers[1]?.workspaces ?? {})).toEqual(['us1', 'eu1']);
  });
});
