/**
 * The worker with `CIO_API=pipelines`: real BullMQ on a real Redis, worker processes, the emulator's Data
 * Pipelines port. The same fleet, the same budget and metrics; only the sink differs.
 */
import { track } from '@cioscale/core';
import { waitFor } from '@cioscale/test-support';
import type { EmulatorOptions } from '@cioscale/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWorker, type SpawnedWorker } from './support/spawnWorker.js';
import { get, metric, startStack, type Stack } from './support/stack.js';

/** Not the workspace's Track key ('key'): the tests show the write key is what authenticates. */
const WRITE_KEY = 'wk-SECRET-worker-pipelines-5e2a';

let stack: Stack;
const workers: SpawnedWorker[] = [];

async function open(pipelines: NonNullable<EmulatorOptions['pipelines']> = { rate: 0 }): Promise<void> {
  stack = await startStack({ emulator: { pipelines: { writeKeys: { site: WRITE_KEY }, ...pipelines } } });
}
async function spawn(env: Record<string, string>): Promise<SpawnedWorker> {
  const worker = await spawnWorker(env);
  workers.push(worker);
  return worker;
}
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await stack.close();
});

/** A Pipelines worker's environment: no Track credential at all, so nothing could go to the Track port. */
function pipelinesEnv(writeKey = WRITE_KEY, extra: Record<string, string> = {}): Record<string, string> {
  const { CUSTOMERIO_SITE_ID: _site, CUSTOMERIO_TRACK_API_KEY: _key, CIO_TRACK_URL: _url, ...rest } = stack.env();
  return { ...rest, CIO_API: 'pipelines', CUSTOMERIO_PIPELINES_WRITE_KEY: writeKey, CIO_PIPELINES_URL: stack.emulator.pipelinesUrl as string, ...extra };
}

const ops = (count: number) => Array.from({ length: count }, (_, index) => track(`p${index % 53}`, 'viewed', { index }));
const distinctEvents = (): Set<string | undefined> => new Set(stack.emulator.events({ limit: 100_000 }).map((event) => event.id));

describe('the worker delivering to the Data Pipelines API', () => {
  it('N jobs from BullMQ → N entries in the ledger, every request strict, counted in its metrics as the emulator counts them', async () => {
    await open();
    const worker = await spawn(pipelinesEnv(WRITE_KEY, { CIO_BATCH_MAX_OPERATIONS: '100' }));
    const ids = await stack.producer.enqueueMany(ops(2_000));
    await waitFor('2000 events delivered', () => distinctEvents().size === 2_000, 60_000);
    expect(distinctEvents()).toEqual(new Set(ids));
    const pipelines = stack.emulator.pipelinesStats();
    expect(pipelines.acceptedCalls).toBe(2_000);
    expect(pipelines.strictRequests).toBe(pipelines.requests);
    expect(pipelines.silentlyDroppedRequests).toBe(0);
    // nothing went to the Track port
    expect(stack.emulator.stats().requests).toBe(0);
    // the exporter (and so the monitor, which reads the same PipelineMetrics) counts Pipelines requests
    await waitFor('metrics caught up', async () => metric((await get(worker, '/metrics')).body, 'cioscale_requests_total', { result: 'ok' }) === pipelines.requests, 10_000);
    expect(metric((await get(worker, '/metrics')).body, 'cioscale_operations_total', { status: 'delivered' })).toBe(2_000);
    const queue = stack.producer.queues.get('default')![0]!;
    await waitFor('all jobs completed', async () => (await queue.getCompletedCount()) === 2_000, 30_000);
    expect(worker.output()).toContain(`target Data Pipelines API at ${stack.emulator.pipelinesUrl} (write key ***, strict mode)`);
    expect(worker.output()).not.toContain(WRITE_KEY);
  });

  it('a refused write key stops the worker (exit 1) naming the variable, jobs go back untouched, the key is never printed', async () => {
    const wrong = `${WRITE_KEY}-WRONG`;
    await open();
    const worker = await spawn(pipelinesEnv(wrong));
    await stack.producer.enqueueMany(ops(20));
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/fatal: workspace default: Customer\.io refused the credentials \(HTTP 401\); check CUSTOMERIO_PIPELINES_WRITE_KEY/);
    expect(worker.output()).not.toContain(wrong);
    const queue = stack.producer.queues.get('default')![0]!;
    const counts = await queue.getJobCounts('waiting', 'completed', 'failed');
    expect(counts['completed']).toBe(0);
    expect(counts['failed']).toBe(0);
    expect(stack.emulator.stats().sizes.events).toBe(0);
  });

  it('backs off on the Pipelines 429 and still delivers every job', async () => {
    await open({ rate: 5, burst: 1, rateLimitMode: 'hard' });
    // the fleet's budget is ten times the port's: 429s come on any machine
    await spawn(pipelinesEnv(WRITE_KEY, { CIO_RATE_LIMIT: '50', CIO_BATCH_MAX_OPERATIONS: '10' }));
    const ids = await stack.producer.enqueueMany(ops(200));
    await waitFor('200 events delivered', () => distinctEvents().size === 200, 60_000);
    expect(distinctEvents()).toEqual(new Set(ids));
    expect(stack.emulator.pipelinesStats().rateLimited).toBeGreaterThan(0);
  });
});
