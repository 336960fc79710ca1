import { identify, track } from '@cioscale/core';
import { freePort, freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createProducer, createRedisClient, defaultWorkspace, jobIdOf, parseWorkspaces, queueLocation, QueueUnavailableError, waitListKey } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'producer'));

describe('createProducer', () => {
  it('enqueues into the hash-tagged wait list with the envelope id as job id', async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: ctx.server.url, namespace });
    const id = await producer.enqueue(track('42', 'signed_up'));
    const key = waitListKey(queueLocation(namespace, 'default'));
    expect(key).toBe(`{${namespace}:default}:ops:wait`);
    expect(await ctx.redis.lrange(key, 0, -1)).toEqual([id]);
    const job = await producer.queues.get('default')?.[0]?.getJob(id);
    expect(job?.data.operation).toMatchObject({ action: 'event', name: 'signed_up', id });
    await producer.close();
  });

  it('stores as job data exactly the JSON of the operation as sent, its id, production time and workspace', async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: ctx.server.url, namespace });
    const before = Date.now();
    const operation = track('42', 'signed_up', { note: 'a "quoted" \\ line\nand é', nested: { list: [1, 2.5, null] } });
    const id = await producer.enqueue(operation);
    const queue = producer.queues.get('default')?.[0];
    const raw = await ctx.redis.hget(queue?.toKey(id) ?? '', 'data');
    const data = JSON.parse(raw ?? '') as { producedAt: number };
    expect(data.producedAt).toBeGreaterThanOrEqual(before);
    expect(raw).toBe(JSON.stringify({ operation: { ...operation, id }, id, producedAt: data.producedAt, workspace: 'default' }));
    await producer.close();
  });

  it("stores the same job data from the caller's JSON of the operation, and stamps an identify that has no timestamp", async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: ctx.server.url, namespace });
    const queue = producer.queues;
    const event = track('42', 'signed_up', { note: 'a "quoted" line and é' });
    const person = identify('42', { plan: 'pro' });
    const before = Math.floor(Date.now() / 1000);
    const [eventId, personId] = await producer.enqueueMany([
      { operation: event, json: JSON.stringify(event) },
      // the given JSON has no timestamp: the producer stamps the identify and does not keep that text
      { operation: person, json: JSON.stringify(person) },
    ]);
    const stored = async (id: string | undefined) => JSON.parse((await ctx.redis.hget(queue.get('default')?.[0]?.toKey(id ?? '') ?? '', 'data')) ?? '') as { operation: Record<string, unknown>; producedAt: number };
    const eventData = await stored(eventId);
    expect(await ctx.redis.hget(queue.get('default')?.[0]?.toKey(eventId ?? '') ?? '', 'data')).toBe(JSON.stringify({ operation: { ...event, id: eventId }, id: eventId, producedAt: eventData.producedAt, workspace: 'default' }));
    const personData = await stored(personId);
    expect(personData.operation).toEqual({ ...person, timestamp: personData.operation['timestamp'] });
    expect(personData.operation['timestamp']).toBeGreaterThanOrEqual(before);
    await producer.close();
  });

  it("enqueues through the caller's own ioredis client and leaves it open on close", async () => {
    const namespace = freshNamespace();
    const client = createRedisClient(ctx.server.url, 'producer');
    const producer = createProducer({ redis: client, namespace });
    const id = await producer.enqueue(track('42', 'signed_up'));
    expect(await ctx.redis.lrange(waitListKey(queueLocation(namespace, 'default')), 0, -1)).toEqual([id]);
    await producer.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('deduplicates a re-enqueue of the same source record (deterministic id)', async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: ctx.server.url, namespace });
    const op = track('42', 'paid', {}, { timestamp: 1_700_000_000 });
    const first = await producer.enqueueMany([{ operation: op, sourceKey: 'orders#1' }, { operation: op, sourceKey: 'orders#2' }]);
    const again = await producer.enqueue({ operation: op, sourceKey: 'orders#1' });
    expect(again).toBe(first[0]);
    expect(await producer.queues.get('default')?.[0]?.getWaitingCount()).toBe(2);
    await producer.close();
  });

  it("enqueues events whose caller-given ids BullMQ refuses as job ids beside others, keeping each id as sent", async () => {
    const namespace = freshNamespace();
    const producer = createProducer({ redis: ctx.server.url, namespace });
    // "42" is an integer and "order:7" holds BullMQ's key separator: unescaped, either failed the whole write
    const ids = ['42', 'order:7', 'x-34', '01J000000000000000000000AB'];
    const operations = ids.map((id) => track('p1', 'paid', {}, { id, timestamp: 1_700_000_000 }));
    expect(await producer.enqueueMany(operations)).toEqual(ids);
    const queue = producer.queues.get('default')?.[0];
    expect(await queue?.getWaitingCount()).toBe(4);
    const sent = await Promise.all(ids.map(async (id) => (await queue?.getJob(jobIdOf(id)))?.data));
    expect(sent.map((data) => [data?.id, data?.operation])).toEqual(operations.map((operation, index) => [ids[index], operation]));
    // a ULID keeps its own job id; the escaped ones cannot collide with it or with each other
    expect(jobIdOf('01J000000000000000000000AB')).toBe('01J000000000000000000000AB');
    expect(new Set(ids.map(jobIdOf)).size).toBe(4);
    // deterministic: enqueueing the same events again adds nothing
    await producer.enqueueMany(operations);
    expect(await queue?.getWaitingCount()).toBe(4);
    await producer.close();
  });

  it('routes by workspace and spreads a workspace over its shards by person', async () => {
    const namespace = freshNamespace();
    const workspaces = parseWorkspaces({ workspaces: [{ name: 'us1', shards: 2 }, { name: 'eu1', region: 'eu' }] });
    const producer = createProducer({ redis: ctx.server.url, namespace, workspaces });
    await producer.enqueueMany(Array.from({ length: 40 }, (_, index) => ({ operation: track(`p${index}`, 'e'), workspace: 'us1' })));
    await producer.enqueue({ operation: track('x', 'e'), workspace: 'eu1' });
    const [s0, s1] = producer.queues.get('us1') ?? [];
    const counts = [await s0?.getWaitingCount(), await s1?.getWaitingCount()];
    expect((counts[0] ?? 0) + (counts[1] ?? 0)).toBe(40);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    expect(await ctx.redis.llen(`{${namespace}:eu1}:ops:wait`)).toBe(1);
    await expect(producer.enqueue({ operation: track('x', 'e'), workspace: 'nope' })).rejects.toThrow(/workspace must be one of us1, eu1/);
    await producer.close();
  });

  it('fails fast with a clear error when Redis is unreachable', async () => {
    const port = await freePort();
    const producer = createProducer({ redis: `redis://127.0.0.1:${port}`, namespace: freshNamespace(), connectTimeoutMs: 500, workspaces: [defaultWorkspace()] });
    const startedAt = Date.now();
    await expect(producer.enqueue(track('42', 'e'))).rejects.toBeInstanceOf(QueueUnavailableError);
    // later calls do not wait at all
    const again = Date.now();
    await expect(producer.enqueue(track('42', 'e'))).rejects.toThrow(/Redis is unreachable/);
    expect(Date.now() - again).toBeLessThan(100);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    await producer.close();
  });
});
