import { identify, track } from '@cioscale/core';
import { createProducer, createRedisClient, MetricsChannel, setBudget } from '@cioscale/queue';
import { freePort, startRedis, type TestRedis, waitFor } from '@cioscale/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { runWorkerScript, spawnWorker } from './support/spawnWorker.js';
import { get, metric, startStack, type Stack } from './support/stack.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function stack(options?: Parameters<typeof startStack>[0]): Promise<Stack> {
  const started = await startStack(options);
  cleanups.push(() => started.close());
  return started;
}

describe('the worker over HTTP', () => {
  it('loadgen → worker: serves /healthz, /readyz and every documented metric with the values of the run; reports itself in Redis', async () => {
    const { producer, emulator, start, namespace, redis } = await stack();
    const [worker] = await start(1, { CIO_BATCH_MAX_OPERATIONS: '50' });
    const loadgen = await runWorkerScript({ REDIS_URL: redis.url, CIO_QUEUE_NAMESPACE: namespace }, { script: 'loadgen.ts', args: ['--', '--rate', '299', '--duration', '1', '--people', '50'] });
    expect(loadgen.stdout, loadgen.stderr).toMatch(/^enqueued 299 operations in [\d.]+ s\n$/);
    await producer.enqueue(identify('too-long', { bio: 'x'.repeat(1_500) }));
    let text = '';
    await waitFor('300 outcomes', async () => {
      text = (await get(worker!, '/metrics')).body;
      return metric(text, 'cioscale_operations_total', { status: 'delivered' }) === 299 && metric(text, 'cioscale_queue_jobs', { state: 'completed' }) === 299;
    });
    // loadgen's mix: 4 events : 1 identify
    expect(emulator.stats().operations).toEqual({ identify: 60, event: 239 });
    expect(await get(worker!, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(worker!, '/readyz')).status).toBe(200);
    const requests = emulator.stats().requests;
    const ws = { workspace: 'default' };
    expect(metric(text, 'cioscale_operations_total', { ...ws, status: 'rejected' })).toBe(1);
    expect(metric(text, 'cioscale_operations_total', { ...ws, status: 'failed' })).toBe(0);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'ok' })).toBe(requests);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'rate_limited' })).toBe(0);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'error' })).toBe(0);
    expect(metric(text, 'cioscale_rate_limited_total', ws)).toBe(0);
    expect(metric(text, 'cioscale_request_duration_seconds_count', ws)).toBe(requests);
    expect(metric(text, 'cioscale_request_duration_seconds_bucket', { ...ws, le: '+Inf' })).toBe(requests);
    expect(metric(text, 'cioscale_request_duration_seconds_sum', ws)).toBeGreaterThan(0);
    for (const [state, count] of [['waiting', 0], ['active', 0], ['delayed', 0], ['failed', 1], ['completed', 299]] as const) {
      expect(metric(text, 'cioscale_queue_jobs', { ...ws, shard: '0', state }), state).toBe(count);
    }
    expect(metric(text, 'cioscale_jobs_in_flight', ws)).toBe(0);
    expect(metric(text, 'cioscale_bucket_ceiling', ws)).toBe(100);
    expect(metric(text, 'cioscale_bucket_rate', ws)).toBe(100);
    expect(metric(text, 'cioscale_bucket_tokens', ws)).toBeLessThanOrEqual(10);
    expect(metric(text, 'cioscale_bucket_paused', ws)).toBe(0);
    expect(metric(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // the metrics channel: the monitor lists this worker with the same totals
    const client = createRedisClient(redis.url, 'worker');
    cleanups.push(async () => client.disconnect());
    await waitFor('the report', async () => (await new MetricsChannel(client, { namespace }).list())[0]?.workspaces['default']?.delivered === 299);
    expect((await new MetricsChannel(client, { namespace }).list()).map((report) => report.pid)).toEqual([worker!.child.pid]);
  });

  it('CIO_RATE_LIMIT applies at start when it changed; a budget set live survives restarts with the same value', async () => {
    const { start, namespace, redis } = await stack();
    const client = createRedisClient(redis.url, 'worker');
    cleanups.push(async () => client.disconnect());
    const restart = async (rate: string): Promise<{ log: string; ceiling: number | undefined }> => {
      const [worker] = await start(1, { CIO_RATE_LIMIT: rate });
      let log = '';
      await waitFor('the budget line', () => /budget of default: .*\n/.test((log = worker!.output())));
      const ceiling = metric((await get(worker!, '/metrics')).body, 'cioscale_bucket_ceiling');
      worker!.child.kill('SIGTERM');
      expect(await worker!.exited).toBe(0);
      return { log, ceiling };
    };
    expect(await restart('100')).toMatchObject({ log: expect.stringMatching(/applied the configured 100 req\/s, burst 10/), ceiling: 100 });
    await setBudget(client, 'default', { rate: 40 }, namespace);
    expect(await restart('100')).toMatchObject({ log: expect.stringMatching(/kept the budget in Redis \(40 req\/s\)/), ceiling: 40 });
    expect(await restart('60')).toMatchObject({ log: expect.stringMatching(/applied the configured 60 req\/s/), ceiling: 60 });
  });

  it('SIGINT drains like SIGTERM: exit 0, nothing active, only delivered jobs completed', async () => {
    const { producer, emulator, start } = await stack({ persistent: true });
    emulator.configure({ faults: { latencyMs: 300 } });
    const [worker] = await start(1, { CIO_BATCH_MAX_OPERATIONS: '50', WORKER_DRAIN_TIMEOUT_MS: '10000' });
    await producer.enqueueMany(Array.from({ length: 1_500 }, (_, index) => track(`p${index % 97}`, 'viewed', { index })));
    await waitFor('some delivered', () => emulator.stats().acceptedOperations > 100);
    worker!.child.kill('SIGINT');
    expect(await worker!.exited).toBe(0);
    expect(worker!.output()).toMatch(/SIGINT: draining/);
    const queue = producer.queues.get('default')![0]!;
    const counts = await queue.getJobCounts('active', 'completed', 'waiting');
    expect(counts['active']).toBe(0);
    expect((counts['completed'] ?? 0) + (counts['waiting'] ?? 0)).toBe(1_500);
    const delivered = new Set(emulator.events({ limit: 10_000 }).map((event) => event.id));
    for (const job of await queue.getCompleted(0, -1)) expect(delivered.has(job.id as string)).toBe(true);
  });

  it('starts without Redis: says so clearly, /readyz 503 until Redis comes up, then delivers', async () => {
    const { emulator, env } = await stack();
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const worker = await spawnWorker(env({ REDIS_URL: url }));
    cleanups.push(async () => {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    });
    await waitFor('the Redis message', () => worker.output().includes(`redis: cannot reach redis://127.0.0.1:${port}`));
    expect(worker.output()).toMatch(/retrying, \/readyz answers 503 until it is back/);
    expect((await get(worker, '/readyz')).status).toBe(503);
    expect((await get(worker, '/healthz')).status).toBe(200);
    // said once, not at every reconnection attempt of every connection
    expect(worker.output().match(/ECONNREFUSED/g)).toHaveLength(1);
    const late: TestRedis = await startRedis({ port });
    cleanups.push(() => late.close());
    await waitFor('ready', async () => (await get(worker, '/readyz')).status === 200);
    expect(worker.output()).toContain(`redis: connected to redis://127.0.0.1:${port}`);
    const producer = createProducer({ redis: url, namespace: env()['CIO_QUEUE_NAMESPACE'] });
    cleanups.push(() => producer.close());
    const ids = await producer.enqueueMany(Array.from({ length: 100 }, (_, index) => track(`p${index}`, 'late')));
    await waitFor('100 delivered', () => emulator.events().length === 100);
    expect(new Set(emulator.events().map((event) => event.id))).toEqual(new Set(ids));
  });
});
