import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { addStandardJobs, encodeJobOptions } from '../src/addStandardJobs.js';
import { bullJobOptions } from '../src/jobData.js';
import { createRedisClient, queueLocation } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'producer'));

/** Two queues on one connection, as the producer builds them, one filled by `addBulk` and one by `addStandardJobs`. */
function queues() {
  const client = createRedisClient(ctx.server.url, 'producer');
  const open = (name: string) => {
    const location = queueLocation(freshNamespace(), name);
    return new Queue(location.name, { connection: client, prefix: location.prefix });
  };
  return { client, reference: open('reference'), lean: open('lean') };
}

const options = bullJobOptions({ attempts: 3, backoffMs: 1_000, keepCompleted: { age: 60, count: 10 } });
const data = { operation: { type: 'person', action: 'event', identifiers: { id: '42' }, name: 'paid', id: '01J000000000000000000000AB' }, id: '01J000000000000000000000AB', producedAt: 1_700_000_000_000, workspace: 'default' };

describe('addStandardJobs', () => {
  it('writes the job addBulk writes: the same hash (but the time), list, counter and event', async () => {
    const { client, reference, lean } = queues();
    await reference.addBulk([{ name: 'event', data, opts: { ...options, jobId: data.id } }]);
    await addStandardJobs(lean, [{ id: data.id, name: 'event', json: JSON.stringify(data) }], encodeJobOptions(options));
    const referenceHash = await ctx.redis.hgetall(reference.toKey(data.id));
    const leanHash = await ctx.redis.hgetall(lean.toKey(data.id));
    expect(Object.keys(leanHash).sort()).toEqual(Object.keys(referenceHash).sort());
    const withoutTime = ({ timestamp, ...rest }: Record<string, string>) => ({ ...rest, timestamp: typeof timestamp });
    expect(withoutTime(leanHash)).toEqual(withoutTime(referenceHash));
    expect(JSON.parse(leanHash['opts'] ?? '')).toEqual({ attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 60, count: 10 }, removeOnFail: { age: 604_800, count: 10_000 }, jobId: data.id });
    expect(await ctx.redis.lrange(lean.toKey('wait'), 0, -1)).toEqual(await ctx.redis.lrange(reference.toKey('wait'), 0, -1));
    expect(await ctx.redis.get(lean.toKey('id'))).toBe(await ctx.redis.get(reference.toKey('id')));
    const events = async (queue: Queue) => (await ctx.redis.xrange(queue.toKey('events'), '-', '+')).map(([, fields]) => fields);
    expect(await events(lean)).toEqual(await events(reference));
    const job = await lean.getJob(data.id);
    expect(job?.data).toEqual(data);
    expect(job?.opts).toEqual((await reference.getJob(data.id))?.opts);
    await Promise.all([reference.close(), lean.close()]);
    await client.quit();
  });

  it('writes for a batch what addBulk writes for it: hashes, list order, counter, marker and events, a duplicate in the batch included', async () => {
    const { client, reference, lean } = queues();
    const ids = ['01J000000000000000000000A1', '01J000000000000000000000A2', '01J000000000000000000000A1', 'with "quote" \\ and é'];
    const jobs = ids.map((id, index) => ({ id, name: index % 2 === 0 ? 'identify' : 'event', json: JSON.stringify({ ...data, id, n: index }) }));
    await reference.addBulk(jobs.map((job) => ({ name: job.name, data: JSON.parse(job.json) as unknown, opts: { ...options, jobId: job.id } })));
    await addStandardJobs(lean, jobs, encodeJobOptions(options));
    for (const id of new Set(ids)) {
      const withoutTime = ({ timestamp, ...rest }: Record<string, string>) => ({ ...rest, timestamp: typeof timestamp });
      expect(withoutTime(await ctx.redis.hgetall(lean.toKey(id)))).toEqual(withoutTime(await ctx.redis.hgetall(reference.toKey(id))));
    }
    expect(await ctx.redis.lrange(lean.toKey('wait'), 0, -1)).toEqual(await ctx.redis.lrange(reference.toKey('wait'), 0, -1));
    expect(await ctx.redis.get(lean.toKey('id'))).toBe('4');
    expect(await ctx.redis.get(lean.toKey('id'))).toBe(await ctx.redis.get(reference.toKey('id')));
    expect(await ctx.redis.zrange(lean.toKey('marker'), 0, -1, 'WITHSCORES')).toEqual(await ctx.redis.zrange(reference.toKey('marker'), 0, -1, 'WITHSCORES'));
    const events = async (queue: Queue) => (await ctx.redis.xrange(queue.toKey('events'), '-', '+')).map(([, fields]) => fields);
    expect(await events(lean)).toEqual(await events(reference));
    expect((await events(lean)).filter((fields) => fields[1] === 'duplicated')).toHaveLength(1);
    expect((await lean.getJob(ids[0] as string))?.data).toEqual({ ...data, id: ids[0], n: 0 });
    await Promise.all([reference.close(), lean.close()]);
    await client.quit();
  });

  it('puts the jobs of a paused queue in its paused list without waking workers, as addBulk does', async () => {
    const { client, reference, lean } = queues();
    await Promise.all([reference.pause(), lean.pause()]);
    const jobs = ['p1', 'p2'].map((id) => ({ id, name: 'event', json: '{}' }));
    await reference.addBulk(jobs.map((job) => ({ name: job.name, data: {}, opts: { ...options, jobId: job.id } })));
    await addStandardJobs(lean, jobs, encodeJobOptions(options));
    expect(await ctx.redis.lrange(lean.toKey('paused'), 0, -1)).toEqual(['p2', 'p1']);
    expect(await ctx.redis.lrange(lean.toKey('paused'), 0, -1)).toEqual(await ctx.redis.lrange(reference.toKey('paused'), 0, -1));
    expect(await ctx.redis.exists(lean.toKey('marker'))).toBe(await ctx.redis.exists(reference.toKey('marker')));
    expect(await lean.getWaitingCount()).toBe(2);
    await Promise.all([reference.close(), lean.close()]);
    await client.quit();
  });

  it('adds a batch larger than one script call takes, every job once and in order', async () => {
    const { client, lean } = queues();
    const jobs = Array.from({ length: 601 }, (_, index) => ({ id: `job-${index}`, name: 'event', json: JSON.stringify({ n: index }) }));
    await addStandardJobs(lean, jobs, encodeJobOptions(options));
    // LPUSH puts the newest first; workers take from the tail, so the first job added is the first taken
    expect(await ctx.redis.lrange(lean.toKey('wait'), 0, -1)).toEqual(jobs.map((job) => job.id).reverse());
    expect(await ctx.redis.get(lean.toKey('id'))).toBe('601');
    expect((await lean.getJob('job-600'))?.data).toEqual({ n: 600 });
    await lean.close();
    await client.quit();
  });

  it('keeps the first job of an id, as addBulk does, and adds the rest of the pipeline', async () => {
    const { client, lean } = queues();
    const encoded = encodeJobOptions(options);
    await addStandardJobs(lean, [{ id: 'a', name: 'event', json: '{"v":1}' }], encoded);
    await addStandardJobs(lean, [{ id: 'a', name: 'event', json: '{"v":2}' }, { id: 'b', name: 'event', json: '{"v":3}' }], encoded);
    expect(await lean.getWaitingCount()).toBe(2);
    expect((await lean.getJob('a'))?.data).toEqual({ v: 1 });
    expect((await lean.getJob('b'))?.data).toEqual({ v: 3 });
    await lean.close();
    await client.quit();
  });

  it("refuses the ids addBulk refuses, before writing any job of the batch", async () => {
    const { client, lean } = queues();
    const encoded = encodeJobOptions(options);
    await expect(addStandardJobs(lean, [{ id: 'fine', name: 'event', json: '{}' }, { id: '123', name: 'event', json: '{}' }], encoded)).rejects.toThrow('Custom Id cannot be integers');
    await expect(addStandardJobs(lean, [{ id: 'a:b', name: 'event', json: '{}' }], encoded)).rejects.toThrow('Custom Id cannot contain :');
    expect(await lean.getWaitingCount()).toBe(0);
    await lean.close();
    await client.quit();
  });

  it('rejects when Redis refuses the write', async () => {
    const { client, lean } = queues();
    await lean.waitUntilReady();
    // a string where the script expects the id counter: Redis answers the INCR with an error
    await ctx.redis.set(lean.toKey('id'), 'not a number');
    await expect(addStandardJobs(lean, [{ id: 'a', name: 'event', json: '{}' }], encodeJobOptions(options))).rejects.toThrow(/not an integer/);
    await lean.close();
    await client.quit();
  });
});
