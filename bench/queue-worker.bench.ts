/**
 * The queue tier, end to end, in one run on one redis-server (free port) and one emulator (100 req/s):
 * - the ceiling: a no-op BullMQ worker process (before and after the others, to bracket drift);
 * - 1, 2 and 4 cioscale worker processes (apps/worker) sharing one 100 req/s budget;
 * - the seed-style worker (one job = one identify call behind a per-process Bottleneck at 80/s), 1 and 4 processes;
 * - enqueue → delivered latency with 4 workers at half the budget (loadgen-style steady rate).
 * Run: pnpm --filter @cioscale/bench run queue   (BENCH_OPS, BENCH_SEED_SECONDS, BENCH_LATENCY_SECONDS, BENCH_WARMUP_SECONDS,
 *      BENCH_ONLY=one|latency, BENCH_PAIRS, BENCH_WORKER_NODE_OPTIONS)
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { startEmulator } from '@cioscale/emulator';
import { createProducer } from '@cioscale/queue';
import { startRedis } from '@cioscale/test-support';
import { ops, pausedQueue, quantile, requestSampler, startChild, stopChildren, until } from './queue-support.js';

// 100,000 operations: ~10 s per run, so the first second (JIT warm-up, workers waking) weighs little
const N = Number(process.env['BENCH_OPS'] ?? 100_000);
const SEED_SECONDS = Number(process.env['BENCH_SEED_SECONDS'] ?? 10);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 20);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
const BUDGET = 100;
const loadBefore = loadavg();
const redisServer = await startRedis();
const emulator = await startEmulator({ rate: BUDGET, ledger: 'counters' });
let runs = 0;

type Kind = 'noop' | 'cioscale' | 'seed';
const scripts: Record<Kind, string> = { noop: './queue-noop.worker.ts', seed: './queue-seed.worker.ts', cioscale: '../apps/worker/src/main.ts' };

function childEnv(kind: Kind, namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  const common = { REDIS_URL: redisServer.url, CIO_TRACK_URL: emulator.url, BENCH_PREFIX: `{${namespace}:default}` };
  if (kind !== 'cioscale') return { ...common, ...extra };
  // WORKER_* and CIO_BATCH_* of the bench's own environment tune the workers
  const tuning = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => /^(WORKER_|CIO_BATCH_)/.test(entry[0]) && entry[1] !== undefined));
  // BENCH_WORKER_NODE_OPTIONS: NODE_OPTIONS of the cioscale workers only (the ceiling keeps node's defaults)
  const nodeOptions = process.env['BENCH_WORKER_NODE_OPTIONS'];
  return { ...common, ...tuning, ...(nodeOptions && { NODE_OPTIONS: nodeOptions }), CIO_QUEUE_NAMESPACE: namespace, CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: 'key', CIO_RATE_LIMIT: String(BUDGET), PORT: '0', ...extra };
}

async function startWorkers(kind: Kind, processes: number, namespace: string, extra?: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(Array.from({ length: processes }, () => startChild(scripts[kind], childEnv(kind, namespace, extra), kind === 'cioscale' ? /listening on/ : /ready/)));
}

/** Operations/s of `processes` workers of `kind` draining a pre-filled queue (or for `seconds` when given). */
async function throughput(label: string, kind: Kind, processes: number, options: { count?: number; seconds?: number } = {}) {
  const namespace = `b${++runs}`;
  const count = options.count ?? N;
  const { producer, queue } = await pausedQueue(redisServer.url, namespace, count);
  const children = await startWorkers(kind, processes, namespace);
  emulator.reset();
  const sampler = requestSampler(emulator);
  const startedAt = performance.now();
  await queue.resume();
  // resume() leaves one wake-up marker, so only one blocked worker would start now and the others after
  // BullMQ's drainDelay (5 s): give each process its own marker (BullMQ reads only the score)
  const client = await queue.client;
  // BullMQ types its client as its own narrow interface; the object is an ioredis client
  await (client as unknown as { zadd(key: string, ...scoreMembers: (string | number)[]): Promise<number> }).zadd(`{${namespace}:default}:ops:marker`, ...children.flatMap((_, index) => [0, `bench${index}`]));
  if (options.seconds) await new Promise((resolve) => setTimeout(resolve, options.seconds! * 1000));
  else await until(async () => (await queue.getCompletedCount()) >= count, 300_000);
  const seconds = (performance.now() - startedAt) / 1000;
  const done = await queue.getCompletedCount();
  const stats = emulator.stats();
  const { peakPerSecond } = sampler.stop();
  await stopChildren(children);
  await producer.close();
  const row = { label, processes, operations: done, seconds: +seconds.toFixed(2), opsPerSec: Math.round(done / seconds), requests: stats.requests, requestsPerSec: +(stats.requests / seconds).toFixed(1), peakRequestsIn1s: peakPerSecond, rateLimited: stats.rateLimited };
  console.error(JSON.stringify(row));
  return row;
}

/** p50/p99 of enqueue (job timestamp) → completed (job finishedOn, after the delivered outcome) at a steady rate. */
async function latency(processes: number, opsPerSec: number, maxOperations: number) {
  const namespace = `b${++runs}`;
  const children = await startWorkers('cioscale', processes, namespace, { CIO_BATCH_MAX_OPERATIONS: String(maxOperations) });
  const producer = createProducer({ redis: redisServer.url, namespace, jobs: { keepCompleted: { age: 3_600, count: 1_000_000 } } });
  emulator.reset();
  const sampler = requestSampler(emulator);
  const startedAt = performance.now();
  // the first WARMUP_SECONDS are not measured: a fleet runs for hours, and its first seconds are JIT warm-up and
  // BullMQ waking the idle workers (one marker wakes one blocked worker; the others within drainDelay)
  const measuredFrom = Date.now() + WARMUP_SECONDS * 1000;
  let sent = 0;
  // loadgen's schedule: every 50 ms, enqueue what the rate owes so far
  while (performance.now() - startedAt < (WARMUP_SECONDS + LATENCY_SECONDS) * 1000) {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * opsPerSec) - sent;
    if (due > 0) await producer.enqueueMany(Array.from({ length: due }, (_, index) => ops(sent + index)));
    sent += Math.max(0, due);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const loadSeconds = (performance.now() - startedAt) / 1000;
  const queue = producer.queues.get('default')![0]!;
  await until(async () => (await queue.getCompletedCount()) >= sent, 60_000);
  const stats = emulator.stats();
  const { peakPerSecond } = sampler.stop();
  const latencies: number[] = [];
  let warmupMaxMs = 0;
  for (let start = 0; start < sent; start += 2_000) {
    for (const job of await queue.getCompleted(start, start + 1_999)) {
      const ms = (job.finishedOn ?? Number.NaN) - job.timestamp;
      if (job.timestamp >= measuredFrom) latencies.push(ms);
      else warmupMaxMs = Math.max(warmupMaxMs, ms);
    }
  }
  latencies.sort((a, b) => a - b);
  await stopChildren(children);
  await producer.close();
  const row = { processes, opsPerSec, maxOperations, operations: latencies.length, warmupMaxMs, requestsPerSec: +(stats.requests / loadSeconds).toFixed(1), peakRequestsIn1s: peakPerSecond, rateLimited: stats.rateLimited, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies.at(-1) };
  console.error(JSON.stringify(row));
  return row;
}

const only = process.env['BENCH_ONLY'];
// BENCH_ONLY=one: the ceiling and one cioscale worker, alternated BENCH_PAIRS times (default 3); the machine's
// speed drifts by ±20 % within minutes, so each worker run is divided by the ceiling measured just before it
const pairs = Number(process.env['BENCH_PAIRS'] ?? 3);
const oneRows: Awaited<ReturnType<typeof throughput>>[] = [];
if (only === 'one') {
  for (let pair = 0; pair < pairs; pair++) {
    oneRows.push(await throughput('no-op BullMQ worker (ceiling)', 'noop', 1), await throughput('cioscale worker', 'cioscale', 1));
  }
  const ratios = oneRows.flatMap((row, index) => (index % 2 === 1 ? [row.opsPerSec / oneRows[index - 1]!.opsPerSec] : []));
  console.log(`one worker ÷ the ceiling measured just before it: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}; median ${quantile([...ratios].sort((a, b) => a - b), 0.5).toFixed(2)}`);
}
const rows = only === 'latency' ? [] : only === 'one' ? oneRows : [
  await throughput('no-op BullMQ worker (ceiling), before', 'noop', 1),
  await throughput('cioscale worker', 'cioscale', 1),
  await throughput('cioscale workers', 'cioscale', 2),
  await throughput('cioscale workers', 'cioscale', 4),
  await throughput('no-op BullMQ worker (ceiling), after', 'noop', 1),
  await throughput('seed-style worker (Bottleneck 80/s per process)', 'seed', 1, { count: 5_000, seconds: SEED_SECONDS }),
  await throughput('seed-style workers (Bottleneck 80/s per process)', 'seed', 4, { count: 5_000, seconds: SEED_SECONDS }),
];
// half the budget, 50 requests/s of 100: 250 operations/s in batches of ≤ 5, and 1,000/s in batches of ≤ 20
const latencyRows = only === 'one' ? [] : [await latency(4, 250, 5), await latency(4, 1_000, 20)];
await emulator.close();
await redisServer.close();

const ceiling = Math.max(rows[0]?.opsPerSec ?? 0, rows[4]?.opsPerSec ?? 0);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log('| worker | processes | operations | ops/s | × ceiling | requests/s (budget 100) | peak requests in 1 s | 429s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.label} | ${row.processes} | ${row.operations} | ${row.opsPerSec.toLocaleString('en')} | ${(row.opsPerSec / ceiling).toFixed(2)} | ${row.requestsPerSec} | ${row.peakRequestsIn1s} | ${row.rateLimited} |`);
}
console.log(`\n| enqueue → completed, ${LATENCY_SECONDS} s at a steady rate after ${WARMUP_SECONDS} s of warm-up | processes | operations measured | requests/s (budget 100) | peak requests in 1 s | 429s | p50 | p99 | max | max during warm-up |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of latencyRows) {
  console.log(`| ${row.opsPerSec.toLocaleString('en')} ops/s, batches of ≤ ${row.maxOperations} | ${row.processes} | ${row.operations} | ${row.requestsPerSec} | ${row.peakRequestsIn1s} | ${row.rateLimited} | ${row.p50Ms} ms | ${row.p99Ms} ms | ${row.maxMs} ms | ${row.warmupMaxMs} ms |`);
}
