import { track } from '@cioscale/core';
import { createProducer } from '@cioscale/queue';
import { waitFor } from '@cioscale/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;

// AOF on: one test restarts Redis and expects the queue to survive
beforeEach(async () => {
  stack = await startStack({ persistent: true });
});
afterEach(async () => {
  await stack.close();
});

const distinctEvents = (): number => new Set(stack.emulator.events({ limit: 100_000 }).map((event) => event.id)).size;
const ops = (count: number) => Array.from({ length: count }, (_, index) => track(`p${index % 97}`, 'viewed', { index }));

describe('the worker fleet', () => {
  it('4 workers under one 100 req/s budget stay within it together: no 429s', async () => {
    const workers = await stack.start(4, { CIO_BATCH_MAX_OPERATIONS: '5' });
    const startedAt = Date.now();
    const ids = await stack.producer.enqueueMany(ops(3_000));
    await waitFor('3000 events delivered', () => distinctEvents() === 3_000, 90_000);
    const seconds = (Date.now() - startedAt) / 1000;
    const stats = stack.emulator.stats();
    expect(stats.rateLimited).toBe(0);
    // the whole fleet's requests fit one budget: 100/s plus the burst of 10
    expect(stats.requests).toBeLessThanOrEqual(100 * seconds + 10);
    // every worker took part
    const response = await Promise.all(workers.map((worker) => fetch(`http://127.0.0.1:${worker.port}/metrics`).then((r) => r.text())));
    for (const text of response) expect(text).toMatch(/cioscale_operations_total\{workspace="default",status="delivered"\} [1-9]/);
    expect(new Set(stack.emulator.events({ limit: 100_000 }).map((event) => event.id))).toEqual(new Set(ids));
  });

  it('kill -9 of a worker mid-run loses nothing: its stalled jobs come back, duplicates are deduplicated', async () => {
    stack.emulator.configure({ faults: { latencyMs: 150 } });
    const [victim] = await stack.start(2, { CIO_BATCH_MAX_OPERATIONS: '20', WORKER_LOCK_DURATION_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1000' });
    await stack.producer.enqueueMany(ops(2_000));
    await waitFor('some delivered', () => stack.emulator.stats().acceptedOperations > 200, 30_000);
    victim?.child.kill('SIGKILL');
    await waitFor('2000 distinct events', () => distinctEvents() === 2_000, 60_000);
    const queue = stack.producer.queues.get('default')![0]!;
    await waitFor('all jobs completed', async () => (await queue.getCompletedCount()) === 2_000, 30_000);
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('SIGTERM drains cleanly: exits 0, nothing active, nothing acknowledged undelivered', async () => {
    stack.emulator.configure({ faults: { latencyMs: 300 } });
    const [worker] = await stack.start(1, { CIO_BATCH_MAX_OPERATIONS: '50', WORKER_DRAIN_TIMEOUT_MS: '10000' });
    const ids = await stack.producer.enqueueMany(ops(3_000));
    await waitFor('some delivered', () => stack.emulator.stats().acceptedOperations > 100, 30_000);
    worker?.child.kill('SIGTERM');
    expect(await worker?.exited).toBe(0);
    const queue = stack.producer.queues.get('default')![0]!;
    const counts = await queue.getJobCounts('active', 'completed', 'waiting');
    expect(counts['active']).toBe(0);
    const completed = await queue.getCompleted(0, -1);
    const delivered = new Set(stack.emulator.events({ limit: 100_000 }).map((event) => event.id));
    for (const job of completed) expect(delivered.has(job.id as string)).toBe(true);
    expect((counts['completed'] ?? 0) + (counts['waiting'] ?? 0)).toBe(3_000);
    // a new worker finishes the rest
    stack.emulator.configure({ faults: { latencyMs: 0 } });
    await stack.start(1);
    await waitFor('all delivered', () => distinctEvents() === 3_000, 60_000);
    expect(new Set(stack.emulator.events({ limit: 100_000 }).map((event) => event.id))).toEqual(new Set(ids));
  });

  it('a worker whose Redis restarts reconnects and continues', async () => {
    const [worker] = await stack.start(1);
    await stack.producer.enqueueMany(ops(200));
    await waitFor('200 delivered', () => distinctEvents() === 200, 30_000);
    await stack.redis.stop();
    await stack.redis.restart();
    const again = createProducer({ redis: stack.redis.url, namespace: stack.namespace });
    try {
      await again.enqueueMany(Array.from({ length: 200 }, (_, index) => track(`q${index}`, 'after_restart')));
      await waitFor('400 delivered', () => distinctEvents() === 400, 60_000);
    } finally {
      await again.close();
    }
    expect(worker?.child.exitCode).toBe(null);
    const ready = await fetch(`http://127.0.0.1:${worker?.port}/readyz`);
    expect(ready.status).toBe(200);
  });
});
