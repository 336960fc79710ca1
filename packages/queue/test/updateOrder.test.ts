import { freshNamespace, useTestRedis, waitFor } from '@cioscale/test-support';
import { identify, type IdentifyOperation } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { describe, expect, it } from 'vitest';
import { createConsumer, createProducer, defaultWorkspace, createRedisClient } from '../src/index.js';
import { useTestEmulator } from './support/useTestEmulator.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));
const testEmulator = useTestEmulator();

const attributes = (id: string): Record<string, unknown> | undefined => {
  const person = testEmulator().person(id);
  return 'attributes' in person ? person.attributes : undefined;
};

describe('updates never go back in time', () => {
  it('an identify retried after a newer identify of the same person does not overwrite it: the ledger keeps the newer value', async () => {
    const emulator = testEmulator();
    const namespace = freshNamespace();
    // the retry of a failed attempt comes 3 s later, after the newer update
    const producer = createProducer({ redis: ctx.server.url, namespace, jobs: { attempts: 3, backoffMs: 3_000 } });
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    const consumer = createConsumer({ redis: ctx.redis, namespace, workspace: defaultWorkspace({ rate: 100 }), transport: transport.send, retry: { maxAttempts: 1 }, batch: { maxWaitMs: 10 } });
    try {
      emulator.configure({ faults: { error500Rate: 1 } });
      const older = await producer.enqueue(identify('ada', { plan: 'a' }));
      const queue = producer.queues.get('default')![0]!;
      const olderJob = (await queue.getJob(older))!;
      const stamped = (olderJob.data.operation as IdentifyOperation).timestamp as number;
      expect(stamped).toBe(Math.floor(olderJob.data.producedAt / 1000));
      await waitFor('the first delivery of plan=a failed', async () => (await olderJob.getState()) === 'delayed');
      emulator.configure({ faults: { error500Rate: 0 } });
      // Customer.io orders by whole seconds (an equal timestamp: the later arrival wins), so the newer
      // update is produced in a later second than the older one
      await waitFor('the next second', () => Math.floor(Date.now() / 1000) > stamped);
      await producer.enqueue(identify('ada', { plan: 'b' }));
      await waitFor('plan=b delivered', () => attributes('ada')?.['plan'] === 'b');
      expect(await olderJob.getState()).toBe('delayed');
      await waitFor("plan=a's retry delivered", async () => (await olderJob.getState()) === 'completed', 15_000);
      expect(emulator.stats().acceptedOperations).toBe(2);
      expect(attributes('ada')).toEqual({ plan: 'b' });
    } finally {
      await consumer.close(5_000);
      await producer.close();
      await transport.close();
      emulator.configure({ faults: { error500Rate: 0 } });
      emulator.reset();
    }
  });
});
