import { identify, track } from '@cioscale/core';
import { createProducer, createRedisClient, DeadLetter, queueLocation, type DeadLetterRecord } from '@cioscale/queue';
import { waitFor } from '@cioscale/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { runWorkerScript } from './support/spawnWorker.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stack?.close();
  stack = undefined;
});

describe('pnpm run dlq', () => {
  it('lists and exports real dead letters with their reasons, and replay delivers them under the same ids', async () => {
    stack = await startStack();
    const { emulator, namespace, redis, start } = stack;
    const dlq = (...args: string[]) => runWorkerScript({ REDIS_URL: redis.url, CIO_QUEUE_NAMESPACE: namespace }, { script: 'dlq.ts', args });
    // one BullMQ attempt and one request try: a 500 dead-letters the operation at once
    const producer = createProducer({ redis: redis.url, namespace, jobs: { attempts: 1 } });
    const client = createRedisClient(redis.url, 'worker');
    cleanups.push(() => producer.close(), async () => client.disconnect());
    const deadLetter = new DeadLetter(client, queueLocation(namespace, 'default'));
    emulator.configure({ faults: { error500Rate: 1 } });
    await start(1, { CIO_RETRY_MAX_ATTEMPTS: '1' });
    const failedIds = await producer.enqueueMany(Array.from({ length: 20 }, (_, index) => track(`p${index}`, 'paid', { index })));
    const rejectedIds = await producer.enqueueMany(Array.from({ length: 3 }, (_, index) => identify(`r${index}`, { bio: 'x'.repeat(1_500) })));
    await waitFor('23 dead letters', async () => (await deadLetter.count()) === 23);

    const list = await dlq('list', '--limit', '50');
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe(`{${namespace}:default}: 23 dead-lettered`);
    for (const id of rejectedIds) expect(lines.some((line) => line.startsWith(`${id}  rejected  attribute_value_too_long (attributes.bio)  `)), id).toBe(true);
    for (const id of failedIds) expect(lines.some((line) => line.startsWith(`${id}  failed  CIO_RETRIES_EXHAUSTED  `)), id).toBe(true);

    const exported = await dlq('export');
    expect(exported.code, exported.stderr).toBe(0);
    const records = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as DeadLetterRecord);
    expect(new Set(records.map((record) => record.id))).toEqual(new Set([...failedIds, ...rejectedIds]));
    for (const record of records) {
      expect(record.status).toBe(rejectedIds.includes(record.id) ? 'rejected' : 'failed');
      expect(record.message).not.toBe('');
      expect(record.attempts).toBe(1);
    }

    emulator.configure({ faults: { error500Rate: 0 } });
    const replay = await dlq('replay');
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe('replayed 23 operation(s)\n');
    await waitFor('20 events delivered', () => emulator.events().length === 20);
    // the events carry the ids they had when first enqueued: a re-sent one would be deduplicated
    expect(new Set(emulator.events().map((event) => event.id))).toEqual(new Set(failedIds));
    expect(emulator.stats().duplicateEvents).toBe(0);
    // the invalid operations are refused again and come back with their reason
    await waitFor('3 dead letters', async () => (await deadLetter.count()) === 3);
    expect(new Set((await deadLetter.list()).map((record) => record.id))).toEqual(new Set(rejectedIds));
    expect((await dlq('list')).stdout.split('\n')[0]).toBe(`{${namespace}:default}: 3 dead-lettered`);
  });
});
