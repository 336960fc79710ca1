import { identify, track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { freshNamespace, startRedis, type TestRedis, waitFor } from '@cioscale/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, createRedisClient, defaultWorkspace, replayDeadLetters, type Consumer, type Producer, type RedisClient } from '../src/index.js';

let server: TestRedis;
let redis: RedisClient;
let emulator: EmulatorHandle;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = createRedisClient(server.url, 'worker');
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 100 });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  emulator.configure({ faults: { error500Rate: 0 } });
  emulator.reset();
});
afterAll(async () => {
  redis.disconnect();
  await emulator.close();
  await server.close();
});

function start(namespace: string, options: { attempts?: number } = {}): { producer: Producer; consumer: Consumer } {
  const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
  const producer = createProducer({ redis: server.url, namespace, jobs: { attempts: options.attempts ?? 2, backoffMs: 50 } });
  const consumer = createConsumer({ redis, namespace, workspace: defaultWorkspace({ rate: 100 }), transport: transport.send, retry: { maxAttempts: 2, baseDelayMs: 10 } });
  cleanups.push(() => producer.close(), () => consumer.close(5_000), () => transport.close());
  return { producer, consumer };
}

describe('createConsumer', () => {
  it('delivers every enqueued operation: N enqueued → N in the ledger, in v2 batches', async () => {
    const { producer, consumer } = start(freshNamespace());
    const ids = await producer.enqueueMany(Array.from({ length: 2_000 }, (_, index) => track(`p${index % 50}`, 'viewed', { index })));
    await waitFor('2000 events in the ledger', () => emulator.events({ limit: 10_000 }).length === 2_000);
    expect(new Set(emulator.events({ limit: 10_000 }).map((event) => event.id))).toEqual(new Set(ids));
    const stats = emulator.stats();
    expect(stats.rateLimited).toBe(0);
    // micro-batched: far fewer requests than operations
    expect(stats.requests).toBeLessThan(200);
    await waitFor('jobs completed', async () => (await consumer.queues[0]?.getCompletedCount()) === 2_000);
    expect(consumer.metrics.snapshot().delivered).toBe(2_000);
  });

  it('dead-letters rejected operations with their reason, without retry, and replays them with the same ids', async () => {
    const { producer, consumer } = start(freshNamespace());
    const good = await producer.enqueue(identify('ok', { plan: 'pro' }));
    const bad = await producer.enqueue(identify('bad', { bio: 'x'.repeat(1_500) }));
    const deadLetter = consumer.deadLetters[0];
    await waitFor('one dead letter', async () => (await deadLetter?.count()) === 1);
    const [record] = (await deadLetter?.list()) ?? [];
    expect(record).toMatchObject({ id: bad, status: 'rejected', reason: 'attribute_value_too_long', origin: 'local', attempts: 1 });
    expect(record?.message).toMatch(/bio/);
    await waitFor('good delivered', () => emulator.person('ok').state === 'active');
    const queue = consumer.queues[0];
    await waitFor('bad failed', async () => (await queue?.getFailedCount()) === 1);
    expect((await queue?.getJob(bad))?.attemptsMade).toBe(1);
    expect(good).not.toBe(bad);
    // replay re-enqueues under the same id; it is rejected again and comes back to the dead letter
    const replayed = await replayDeadLetters(deadLetter!, queue!);
    expect(replayed).toEqual([bad]);
    await waitFor('dead letter again', async () => (await deadLetter?.count()) === 1);
    expect((await deadLetter?.list())?.[0]?.id).toBe(bad);
  });

  it('dead-letters operations whose attempts ran out, and a replay delivers them once Customer.io is back', async () => {
    const { producer, consumer } = start(freshNamespace(), { attempts: 2 });
    emulator.configure({ faults: { error500Rate: 1 } });
    const ids = await producer.enqueueMany([track('a', 'e1'), track('b', 'e2'), track('c', 'e3')]);
    const deadLetter = consumer.deadLetters[0]!;
    await waitFor('three dead letters', async () => (await deadLetter.count()) === 3);
    const records = await deadLetter.list();
    expect(records.map((record) => record.status)).toEqual(['failed', 'failed', 'failed']);
    expect(records[0]?.attempts).toBe(2);
    expect(records[0]?.reason).toMatch(/CIO_/);
    emulator.configure({ faults: { error500Rate: 0 } });
    expect((await replayDeadLetters(deadLetter, consumer.queues[0]!)).sort()).toEqual([...ids].sort());
    await waitFor('three events delivered', () => emulator.events().length === 3);
    expect(new Set(emulator.events().map((event) => event.id))).toEqual(new Set(ids));
    expect(await deadLetter.count()).toBe(0);
  });

  it('close() waits for in-flight jobs and acknowledges only what was delivered', async () => {
    const { producer, consumer } = start(freshNamespace());
    emulator.configure({ faults: { latencyMs: 300 } });
    await producer.enqueueMany(Array.from({ length: 300 }, (_, index) => track(`p${index}`, 'e')));
    await waitFor('jobs in flight', () => consumer.inFlight() > 0);
    expect(await consumer.close(10_000)).toBe(0);
    const queue = producer.queues.get('default')![0]!;
    const counts = await queue.getJobCounts('active', 'completed', 'wait');
    expect(counts['active']).toBe(0);
    expect(counts['completed']).toBe(emulator.stats().acceptedOperations);
    expect((counts['completed'] ?? 0) + (counts['wait'] ?? 0)).toBe(300);
    emulator.configure({ faults: { latencyMs: 0 } });
  });

  it('close() keeps its deadline when Redis is gone mid-run: token waits are abandoned, nothing is acknowledged', async () => {
    const own = await startRedis({ persistent: true });
    const ownRedis = createRedisClient(own.url, 'worker');
    const namespace = freshNamespace();
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const producer = createProducer({ redis: own.url, namespace });
    // a budget of 5 req/s with batches of 10 keeps most jobs waiting for a token
    const consumer = createConsumer({ redis: ownRedis, namespace, workspace: defaultWorkspace({ rate: 5, burst: 1 }), transport: transport.send, batch: { maxOperations: 10 } });
    cleanups.push(async () => {
      await producer.close();
      await transport.close();
      ownRedis.disconnect();
      await own.close();
    });
    const ids = await producer.enqueueMany(Array.from({ length: 300 }, (_, index) => track(`p${index}`, 'e')));
    await waitFor('jobs held and some delivered', () => consumer.inFlight() > 100 && emulator.events().length > 0);
    await own.stop();
    // resolves although every Redis command now waits for a reconnection that does not come
    expect(await consumer.close(300)).toBeGreaterThan(0);
    await own.restart();
    const queue = producer.queues.get('default')![0]!;
    await waitFor('producer reconnected', async () => (await queue.getJobCounts('completed', 'active', 'wait').catch(() => undefined)) !== undefined);
    const counts = await queue.getJobCounts('completed', 'active', 'wait');
    // every job is still there; only delivered ones are completed
    expect((counts['completed'] ?? 0) + (counts['active'] ?? 0) + (counts['wait'] ?? 0)).toBe(ids.length);
    const delivered = new Set(emulator.events({ limit: 1_000 }).map((event) => event.id));
    for (const job of await queue.getCompleted(0, -1)) expect(delivered.has(job.id as string)).toBe(true);
  });
});
