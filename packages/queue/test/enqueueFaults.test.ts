import { freshNamespace, startRedis, startTcpProxy, waitFor } from '@cioscale/test-support';
import { identify, track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { describe, expect, it } from 'vitest';
import { connectRedis, createConsumer, createProducer, createRedisClient, defaultWorkspace, QueueUnavailableError, type Producer } from '../src/index.js';
import { useTestEmulator } from './support/useTestEmulator.js';

const testEmulator = useTestEmulator();

/** Retries `enqueue` as a producer's caller would until Redis takes it. */
async function enqueueUntilAccepted(producer: Producer, request: Parameters<Producer['enqueue']>[0]): Promise<string> {
  let id: string | undefined;
  await waitFor('the enqueue accepted', async () => {
    id = await producer.enqueue(request).catch((error: unknown) => {
      if (error instanceof QueueUnavailableError) return undefined;
      throw error;
    });
    return id !== undefined;
  });
  return id as string;
}

describe('enqueue under faults', () => {
  it('an enqueue retried with the same sourceKey is a no-op, across a Redis restart too: one job, one event in the ledger', async () => {
    const emulator = testEmulator();
    const server = await startRedis({ persistent: true });
    const namespace = freshNamespace();
    const producer = createProducer({ redis: server.url, namespace });
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const worker = createRedisClient(server.url, 'worker');
    try {
      const order = { operation: track('42', 'paid', { amount: 10 }), sourceKey: 'orders#7' };
      const profile = { operation: identify('42', { plan: 'pro' }), sourceKey: 'users#42' };
      const first = [await producer.enqueue(order), await producer.enqueue(profile)];
      // a second apart: the identify's stamped timestamp differs, its id must not
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await producer.enqueue(profile)).toBe(first[1]);
      await server.stop();
      await server.restart();
      expect(await enqueueUntilAccepted(producer, order)).toBe(first[0]);
      expect(await enqueueUntilAccepted(producer, profile)).toBe(first[1]);
      const queue = producer.queues.get('default')![0]!;
      expect(await queue.getWaitingCount()).toBe(2);

      const consumer = createConsumer({ redis: worker, namespace, workspace: defaultWorkspace({ rate: 100 }), transport: transport.send });
      try {
        await waitFor('both jobs completed', async () => (await queue.getCompletedCount()) === 2);
        expect(emulator.events().map((event) => event.id)).toEqual([first[0]]);
        expect(emulator.stats()).toMatchObject({ acceptedOperations: 2, duplicateEvents: 0 });
        expect(emulator.person('42')).toMatchObject({ attributes: { plan: 'pro' } });
        // enqueued again after delivery (the completed job is kept for an hour): still nothing new
        expect(await producer.enqueue(order)).toBe(first[0]);
        expect(await queue.getJobCounts('wait', 'completed')).toEqual({ wait: 0, completed: 2 });
      } finally {
        await consumer.close(5_000);
      }
    } finally {
      await producer.close();
      await transport.close();
      worker.disconnect();
      await server.close();
      emulator.reset();
    }
  });

  it('rejects within timeoutMs when Redis freezes (SIGSTOP): the connection stays up, nothing answers', async () => {
    const server = await startRedis();
    const producer = createProducer({ redis: server.url, namespace: freshNamespace(), timeoutMs: 1_000 });
    const admin = await connectRedis(server.url, 'producer');
    const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
    admin.disconnect();
    try {
      await producer.enqueue(track('42', 'before'));
      process.kill(pid, 'SIGSTOP');
      const startedAt = Date.now();
      const error = await producer.enqueue(track('42', 'frozen')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QueueUnavailableError);
      expect((error as Error).message).toMatch(/^Redis did not answer the enqueue within 1000 ms; it may have landed/);
      // the documented bound is timeoutMs; the margin is for a loaded test machine
      expect(Date.now() - startedAt).toBeLessThan(1_000 + 1_500);
      const closing = Date.now();
      await producer.close();
      expect(Date.now() - closing).toBeLessThan(1_000 + 1_500);
    } finally {
      process.kill(pid, 'SIGCONT');
      await server.close();
    }
  });

  it('rejects within timeoutMs behind a TCP proxy that keeps the connection open after Redis went away', async () => {
    const server = await startRedis();
    const proxy = await startTcpProxy(server.port);
    const producer = createProducer({ redis: `redis://127.0.0.1:${proxy.port}`, namespace: freshNamespace(), timeoutMs: 1_000 });
    try {
      await producer.enqueue(track('42', 'before'));
      proxy.hang();
      for (const name of ['first', 'second']) {
        const startedAt = Date.now();
        const error = await producer.enqueue(track('42', name)).catch((caught: unknown) => caught);
        expect(error, name).toBeInstanceOf(QueueUnavailableError);
        expect(Date.now() - startedAt, name).toBeLessThan(1_000 + 1_500);
      }
    } finally {
      await producer.close();
      await proxy.close();
      await server.close();
    }
  });
});
