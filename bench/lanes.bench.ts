/**
 * Live and bulk lanes of one budget, in one run on one redis-server and one emulator (100 req/s):
 * 2 cioscale worker processes deliver live traffic (one operation a request, 30 % of the budget), first
 * alone, then while the importer backfills BENCH_LANES_ROWS people into the same workspace through the
 * same Redis budget (`--redis`, bulk lane). Prints live p50/p99 enqueue → delivered in both phases, the
 * backfill's rows/s and req/s, bulk's share of what live left, the busiest second, and the load average.
 * Run: pnpm --filter @cioscale/bench run lanes   (BENCH_LANES_ROWS, BENCH_LANES_LIVE_SECONDS, BENCH_LANES_BATCH)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '@cioscale/core';
import { startEmulator } from '@cioscale/emulator';
import { createProducer, createRedisClient, readLanes } from '@cioscale/queue';
import { freshNamespace, startRedis } from '@cioscale/test-support';
import { quantile, requestSampler, startChild, stopChildren, until } from './queue-support.js';

const ROWS = Number(process.env['BENCH_LANES_ROWS'] ?? 200_000);
const LIVE_SECONDS = Number(process.env['BENCH_LANES_LIVE_SECONDS'] ?? 10);
const BATCH = Number(process.env['BENCH_LANES_BATCH'] ?? 200);
// 90 req/s + burst 10: no second can exceed the emulator's 100
const BUDGET = 90;
const BURST = 10;
const LIVE_PER_SECOND = 30;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const loadBefore = loadavg();
const redisServer = await startRedis();
// the emulator's burst is twice the bucket's: requests granted over ~100 ms can leave together when a sender's
// event loop stalls on a loaded machine (as in apps/worker/test/lanes.e2e.test.ts); the busiest second shows the budget held
const emulator = await startEmulator({ rate: 100, burst: 2 * BURST, ledger: 'counters' });
const namespace = freshNamespace();
const redis = createRedisClient(redisServer.url, 'worker');
const producer = createProducer({ redis: redisServer.url, namespace, jobs: { keepCompleted: { age: 3_600, count: 1_000_000 } } });
const env = {
  REDIS_URL: redisServer.url,
  CIO_QUEUE_NAMESPACE: namespace,
  CUSTOMERIO_SITE_ID: 'site',
  CUSTOMERIO_TRACK_API_KEY: 'key',
  CIO_TRACK_URL: emulator.url,
  CIO_RATE_LIMIT: String(BUDGET),
  CIO_RATE_BURST: String(BURST),
  CIO_BATCH_MAX_OPERATIONS: '1',
  PORT: '0',
};
const workers = await Promise.all([0, 1].map(() => startChild('../apps/worker/src/main.ts', env, /listening on/)));
const dir = mkdtempSync(join(tmpdir(), 'cioscale-lanes-bench-'));
const file = join(dir, 'backfill.csv');
writeFileSync(file, `id,email,plan\n${Array.from({ length: ROWS }, (_, i) => `b${i},b${i}@example.com,${i % 3 ? 'free' : 'pro'}`).join('\n')}\n`);

let live = true;
let enqueued = 0;
const loadgen = (async () => {
  for (let n = 0; live; n++) {
    await producer.enqueueMany([{ operation: track(`live-${n % 50}`, 'live_event', { n }) }]);
    enqueued += 1;
    await new Promise((resolve) => setTimeout(resolve, 1000 / LIVE_PER_SECOND));
  }
})();
const queue = producer.queues.get('default')![0]!;
const latencies = async (from: number, to: number): Promise<number[]> =>
  (await queue.getCompleted(0, -1))
    .filter((job) => job.timestamp >= from && job.timestamp <= to && job.finishedOn !== undefined)
    .map((job) => (job.finishedOn as number) - job.timestamp)
    .sort((a, b) => a - b);

// warm-up, then live alone
await new Promise((resolve) => setTimeout(resolve, 2_000));
const aloneFrom = Date.now();
await new Promise((resolve) => setTimeout(resolve, LIVE_SECONDS * 1000));
const aloneTo = Date.now();

// live + backfill
const sampler = requestSampler(emulator);
const spawnedAt = Date.now();
const importer = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/importer/src/cli.ts', file, '--batch-size', String(BATCH), '--concurrency', '16', '--progress', 'none', '--json'], {
  cwd: REPO_ROOT,
  env: { PATH: process.env['PATH'] ?? '', ...env, REDIS_URL: redisServer.url },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let stdout = '';
importer.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
const closed = new Promise((resolve) => importer.once('close', resolve));
// the backfill is measured from its first request (the importer's start-up is not part of it)
await until(async () => ((await readLanes(redis, 'default', namespace))?.bulk.granted ?? 0) > 0, 60_000);
const backfillFrom = Date.now();
const lanesBefore = await readLanes(redis, 'default', namespace);
await closed;
const backfillTo = Date.now();
const lanesAfter = await readLanes(redis, 'default', namespace);
const { peakPerSecond } = sampler.stop();
live = false;
await loadgen;
await until(async () => (await queue.getCompletedCount()) >= enqueued, 30_000);

const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { delivered: number; requests: number; durationMs: number; rateLimited: number };
const alone = await latencies(aloneFrom, aloneTo);
const during = await latencies(backfillFrom, backfillTo);
const seconds = (backfillTo - backfillFrom) / 1000;
const liveDuring = (lanesAfter?.live.granted ?? 0) - (lanesBefore?.live.granted ?? 0);
const bulkDuring = (lanesAfter?.bulk.granted ?? 0) - (lanesBefore?.bulk.granted ?? 0);
const bulkAsked = (lanesAfter?.bulk.asked ?? 0) - (lanesBefore?.bulk.asked ?? 0);
const loadAfter = loadavg();
const fmt = (values: number[]): string => `p50 ${quantile(values, 0.5)} ms, p99 ${quantile(values, 0.99)} ms (${values.length} ops)`;
process.stdout.write(
  [
    `lanes benchmark · ${cpus().length} cores · load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}`,
    `budget ${BUDGET} req/s + burst ${BURST} (emulator enforces 100 req/s); live ${LIVE_PER_SECOND} ops/s = requests/s on 2 workers`,
    `live alone (${LIVE_SECONDS} s):            ${fmt(alone)}`,
    `live during the backfill (${seconds.toFixed(1)} s, importer start-up ${((backfillFrom - spawnedAt) / 1000).toFixed(1)} s before it): ${fmt(during)}`,
    `backfill: ${summary.delivered} rows in ${(summary.durationMs / 1000).toFixed(1)} s = ${Math.round(summary.delivered / (summary.durationMs / 1000))} rows/s, ${summary.requests} requests (--batch-size ${BATCH}), ${(bulkDuring / seconds).toFixed(1)} req/s`,
    `bulk used ${((bulkDuring / (BUDGET * seconds - liveDuring)) * 100).toFixed(0)} % of what live left (live ${(liveDuring / seconds).toFixed(1)} req/s; bulk asked ${(bulkAsked / seconds).toFixed(1)} req/s); busiest second ${peakPerSecond} requests; 429s ${emulator.stats().rateLimited}`,
  ].join('\n') + '\n',
);

await stopChildren(workers);
await producer.close();
redis.disconnect();
await emulator.close();
await redisServer.close();
rmSync(dir, { recursive: true, force: true });
