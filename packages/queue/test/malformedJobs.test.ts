import { freshNamespace, useTestRedis, waitFor } from '@cioscale/test-support';
import { track } from '@cioscale/core';
import { createTrackTransport } from '@cioscale/customerio';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createConsumer, createProducer, defaultWorkspace, queueLocation, type DeadLetterRecord, createRedisClient } from '../src/index.js';
import { useTestEmulator } from './support/useTestEmulator.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));
const testEmulator = useTestEmulator();

const envelopeFields = (id: string) => ({ id, producedAt: 1_700_000_000_000, workspace: 'default' });

/** Each malformed shape: the job data written, and the dead-letter reason, field and message expected. */
const shapes: { id: string; data: unknown; reason: string; field: string; message: RegExp }[] = [
  { id: 'no-operation', data: envelopeFields('no-operation'), reason: 'invalid_job', field: 'operation', message: /has no operation/ },
  { id: 'no-identifiers', data: { ...envelopeFields('no-identifiers'), operation: { type: 'person', action: 'identify', attributes: { plan: 'a' } } }, reason: 'invalid_job', field: 'operation.identifiers', message: /operation\.identifiers must be an object; received nothing/ },
  { id: 'identifiers-string', data: { ...envelopeFields('identifiers-string'), operation: { type: 'person', action: 'identify', identifiers: '42' } }, reason: 'invalid_job', field: 'operation.identifiers', message: /received string "42"/ },
  { id: 'type-number', data: { ...envelopeFields('type-number'), operation: { type: 5, action: 'identify', identifiers: { id: '1' } } }, reason: 'invalid_job', field: 'operation.type', message: /"person", "object" or "anonymous"; received number 5/ },
  { id: 'unknown-action', data: { ...envelopeFields('unknown-action'), operation: { type: 'person', action: 'upsert', identifiers: { id: '1' } } }, reason: 'invalid_job', field: 'operation.action', message: /"upsert" is not a Track v2 action/ },
  { id: 'attributes-string', data: { ...envelopeFields('attributes-string'), operation: { type: 'person', action: 'identify', identifiers: { id: '1' }, attributes: 'plan=a' } }, reason: 'invalid_job', field: 'operation.attributes', message: /must be an object/ },
  { id: 'event-name-number', data: { ...envelopeFields('event-name-number'), operation: { type: 'person', action: 'event', identifiers: { id: '1' }, name: 7 } }, reason: 'invalid_job', field: 'operation.name', message: /must be a string; received number 7/ },
  { id: 'anonymous-identify', data: { ...envelopeFields('anonymous-identify'), operation: { type: 'anonymous', action: 'identify', name: 'x' } }, reason: 'invalid_job', field: 'operation.action', message: /"identify" is not an anonymous event's/ },
  { id: 'produced-at-string', data: { ...envelopeFields('produced-at-string'), producedAt: 'yesterday', operation: track('1', 'e') }, reason: 'invalid_job', field: 'producedAt', message: /received string "yesterday"/ },
  { id: 'no-id', data: { producedAt: 1, workspace: 'default', operation: track('1', 'e') }, reason: 'invalid_job', field: 'id', message: /needs id/ },
  { id: 'data-array', data: [1, 2], reason: 'invalid_job', field: 'data', message: /must be a JSON object; received an array/ },
  { id: 'other-workspace', data: { ...envelopeFields('other-workspace'), workspace: 'eu1', operation: track('1', 'e') }, reason: 'invalid_job', field: 'workspace', message: /names workspace "eu1", but it is in the queue of workspace "default"/ },
  { id: 'not-json', data: 'replaced below by text that is not JSON', reason: 'invalid_job', field: 'data', message: /job data is not JSON \(.*JSON/ },
];

describe('malformed jobs', () => {
  it('each shape is dead-lettered at its first attempt with a reason naming what is wrong; valid jobs are delivered on their first attempt', async () => {
    const emulator = testEmulator();
    const namespace = freshNamespace();
    const location = queueLocation(namespace, 'default');
    const raw = new Queue(location.name, { connection: ctx.redis, prefix: location.prefix });
    const producer = createProducer({ redis: ctx.server.url, namespace, jobs: { attempts: 5, backoffMs: 60_000 } });
    const transport = createTrackTransport({ siteId: 'site', apiKey: 'key', url: emulator.url });
    try {
      // written before any worker runs, so each is fetched exactly as it is stored
      for (const shape of shapes) await raw.add('op', shape.data, { jobId: shape.id, attempts: 5, backoff: { type: 'fixed', delay: 60_000 } });
      await ctx.redis.hset(`${location.prefix}:${location.name}:not-json`, 'data', '{"operation": {"type": "person",');
      const big = await producer.enqueue(track('big', 'upload', { blob: 'x'.repeat(40_000) }));
      const good = await producer.enqueueMany(Array.from({ length: 20 }, (_, index) => track(`p${index}`, 'viewed')));
      const consumer = createConsumer({ redis: ctx.redis, namespace, workspace: defaultWorkspace({ rate: 100 }), transport: transport.send });
      try {
        const deadLetter = consumer.deadLetters[0]!;
        await waitFor('every malformed job dead-lettered', async () => (await deadLetter.count()) === shapes.length + 1);
        const records = new Map((await deadLetter.list(0, 100)).map((record) => [record.id, record]));
        for (const shape of shapes) {
          const record = records.get(shape.id) as DeadLetterRecord;
          expect(record, shape.id).toMatchObject({ status: 'rejected', reason: shape.reason, field: shape.field, origin: 'local', attempts: 1, workspace: 'default' });
          expect(record.message, shape.id).toMatch(shape.message);
        }
        expect(records.get(big)).toMatchObject({ reason: 'operation_too_large', field: 'operation', attempts: 1 });
        // the non-JSON job's text is kept for whoever fixes its producer
        expect(records.get('not-json')?.operation).toBe('{"operation": {"type": "person",');
        const queue = consumer.queues[0]!;
        await waitFor('malformed jobs failed', async () => (await queue.getFailedCount()) === shapes.length + 1);
        for (const job of await queue.getFailed(0, -1)) {
          expect(job.attemptsMade, job.id).toBe(1);
          expect(job.failedReason, job.id).toMatch(/^(invalid_job|operation_too_large)/);
        }
        await waitFor('good jobs delivered', () => emulator.events({ limit: 1_000 }).length === good.length);
        expect(new Set(emulator.events({ limit: 1_000 }).map((event) => event.id))).toEqual(new Set(good));
        await waitFor('good jobs completed', async () => (await queue.getCompletedCount()) === good.length);
        for (const job of await queue.getCompleted(0, -1)) expect(job.attemptsStarted, job.id).toBe(1);
        expect(await queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
      } finally {
        await consumer.close(5_000);
      }
    } finally {
      await raw.close();
      await producer.close();
      await transport.close();
      emulator.reset();
    }
  });
});
