import { track } from '@cioscale/core';
import { waitFor } from '@cioscale/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { get, metric, startStack, type Stack } from './support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const ops = (count: number, name = 'viewed') => Array.from({ length: count }, (_, index) => track(`p${index}`, name));

describe('the worker when Customer.io says no', () => {
  it('wrong credentials (401): stops with a clear message and exit 1; no job is completed or dead-lettered, all wait for fixed credentials', async () => {
    stack = await startStack();
    const { producer, emulator, start } = stack;
    const wrongKey = 'wrong-key-7c1d';
    const [worker] = await start(1, { CUSTOMERIO_TRACK_API_KEY: wrongKey });
    const ids = await producer.enqueueMany(ops(200));
    expect(await worker!.exited).toBe(1);
    expect(worker!.output()).toMatch(/fatal: workspace default: Customer\.io refused the credentials \(.*401.*\); check CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY/);
    expect(worker!.output()).not.toContain(wrongKey);
    // said once, not once by the transport and again by the worker
    expect(worker!.output().split('refused the credentials').length - 1).toBe(1);
    const queue = producer.queues.get('default')![0]!;
    expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toMatchObject({ waiting: 200, active: 0, completed: 0, failed: 0, delayed: 0 });
    for (const job of await queue.getWaiting(0, -1)) expect(job.attemptsMade).toBe(0);
    expect(emulator.stats().acceptedOperations).toBe(0);
    // the fleet restarted with the right key delivers every one of them
    await start(1);
    await waitFor('200 delivered', () => emulator.events({ limit: 1_000 }).length === 200);
    expect(new Set(emulator.events({ limit: 1_000 }).map((event) => event.id))).toEqual(new Set(ids));
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('a 429 that outlasts the pipeline retries pauses the queue (worker.rateLimit) and costs no attempt', async () => {
    stack = await startStack();
    const { producer, emulator, start } = stack;
    // one try per request, so the pipeline gives up on the first 429 and the job goes back to BullMQ
    const [worker] = await start(1, { CIO_RETRY_MAX_ATTEMPTS: '1', CIO_BATCH_MAX_OPERATIONS: '20' });
    emulator.configure({ faults: { force429Ms: 2_500 } });
    const ids = await producer.enqueueMany(ops(200));
    await waitFor('200 delivered', () => emulator.events({ limit: 1_000 }).length === 200, 60_000);
    expect(new Set(emulator.events({ limit: 1_000 }).map((event) => event.id))).toEqual(new Set(ids));
    const queue = producer.queues.get('default')![0]!;
    await waitFor('200 completed', async () => (await queue.getCompletedCount()) === 200);
    expect(emulator.stats().faults.forced429).toBeGreaterThan(0);
    // rate-limited jobs went back to wait untouched: started again, yet completed on their first attempt
    // (BullMQ counts the finishing attempt), never failed, nothing dead-lettered
    expect(await queue.getFailedCount()).toBe(0);
    const completed = await queue.getCompleted(0, -1);
    for (const job of completed) expect(job.attemptsMade).toBe(1);
    expect(Math.max(...completed.map((job) => job.attemptsStarted))).toBeGreaterThan(1);
    const text = (await get(worker!, '/metrics')).body;
    expect(metric(text, 'cioscale_rate_limited_total', { workspace: 'default' })).toBe(emulator.stats().rateLimited);
    expect(metric(text, 'cioscale_operations_total', { workspace: 'default', status: 'failed' })).toBeGreaterThan(0);
  });
});
