/**
 * One workspace, one budget, two lanes, end to end: two worker processes deliver live traffic while the
 * importer backfills 200,000 rows into the same workspace through the same Redis budget.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '@cioscale/core';
import { createRedisClient, readBudget, readLanes, type RedisClient } from '@cioscale/queue';
import { waitFor } from '@cioscale/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ROWS = 200_000;
// The emulator enforces 100 req/s. The fleet's bucket is 85 req/s with a burst of 10, so no second of grants
// holds more than 95 requests however the two lanes' bursts line up; the 5 left over absorb what the
// measurement adds on a loaded machine (the emulator counts a request when its own event loop, shared with
// this test, gets to it: a 100 ms stall moves a few requests into the next sampled second; at a 90 req/s
// bucket one CI run measured 103). The emulator's own burst is 20: requests
// granted over ~100 ms can leave together when a sender's event loop stalls (the importer parses on its
// main thread, on a shared CI machine), and a real Track API tolerates that much; the busiest-second check
// below is what holds the budget.
const BUDGET = 85;
const BURST = 10;
const LIVE_OPS_PER_SECOND = 30;

let stack: Stack | undefined;
let redis: RedisClient | undefined;
let dir: string | undefined;
afterEach(async () => {
  redis?.disconnect();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function peopleCsv(count: number): string {
  const lines = ['id,email,plan'];
  for (let i = 1; i <= count; i++) lines.push(`b${i},b${i}@example.com,${i % 3 === 0 ? 'pro' : 'free'}`);
  return `${lines.join('\n')}\n`;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

describe('live and bulk lanes of one workspace budget', () => {
  it('2 workers with live traffic at 30 % of the budget and a 200,000-row backfill: within the budget, no 429s, live p99 ≤ 1 s, bulk uses what live leaves', async () => {
    const s = (stack = await startStack({ emulator: { rate: 100, burst: 2 * BURST, ledger: 'counters' } }));
    redis = createRedisClient(s.redis.url, 'worker');
    dir = mkdtempSync(join(tmpdir(), 'cioscale-lanes-'));
    const file = join(dir, 'backfill.csv');
    writeFileSync(file, peopleCsv(ROWS));
    // one operation a request, so 30 ops/s of live traffic is 30 % of the budget in requests
    await s.start(2, { CIO_RATE_LIMIT: String(BUDGET), CIO_RATE_BURST: String(BURST), CIO_BATCH_MAX_OPERATIONS: '1' });

    // live loadgen: 30 operations a second, each job's enqueue → completion read back from BullMQ
    let live = true;
    const liveIds: string[] = [];
    const loadgen = (async () => {
      for (let n = 0; live; n++) {
        liveIds.push(...(await s.producer.enqueueMany([{ operation: track(`live-${n % 50}`, 'live_event', { n }) }])));
        await new Promise((resolve) => setTimeout(resolve, 1000 / LIVE_OPS_PER_SECOND));
      }
    })();
    await waitFor('live traffic delivered', () => s.emulator.stats().requests >= 30, 20_000);

    // Byte-filled requests would carry 200,000 small rows in about 100 requests, a few seconds of budget:
    // --batch-size 200 makes it 1,000 requests, about 15 s at the ~65 req/s live leaves, long enough for the
    // lanes to settle and be measured, and short enough for CI.
    const importer = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'apps/importer/src/cli.ts', file, '--batch-size', '200', '--concurrency', '16', '--progress', 'none', '--json'],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...s.env(), REDIS_URL: s.redis.url, CIO_QUEUE_NAMESPACE: s.namespace },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    importer.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    importer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => importer.once('close', resolve));

    // sample the emulator's request count and the lanes every 100 ms
    const samples: { at: number; requests: number; live: number; bulk: number; bulkWaiting: number; bulkAsked: number; rate: number; paused: boolean }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [lanes, budget] = await Promise.all([readLanes(redis, 'default', s.namespace), readBudget(redis, 'default', s.namespace)]);
        samples.push({
          at: Date.now(),
          requests: s.emulator.stats().requests,
          live: lanes?.live.granted ?? 0,
          bulk: lanes?.bulk.granted ?? 0,
          bulkWaiting: lanes?.bulk.waiting ?? 0,
          bulkAsked: lanes?.bulk.asked ?? 0,
          rate: budget?.rate ?? BUDGET,
          paused: (budget?.pausedUntil ?? 0) > Date.now(),
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const code = await exited;
    const backfillEnd = Date.now();
    live = false;
    await loadgen;
    await waitFor('live traffic drained', async () => (await s.producer.queues.get('default')![0]!.getCompletedCount()) === liveIds.length, 20_000);
    sampling = false;
    await sampler;
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { delivered: number; requests: number; rateLimited: number };
    expect(summary.delivered).toBe(ROWS);

    const stats = s.emulator.stats();
    // the budget: no sliding second (sampled every 100 ms) holds more than the emulator's 100 req/s
    let busiest = 0;
    for (let i = 0, j = 0; i < samples.length; i++) {
      while (j < samples.length && (samples[j] as { at: number }).at - (samples[i] as { at: number }).at <= 1_000) j++;
      busiest = Math.max(busiest, (samples[j - 1] as { requests: number }).requests - (samples[i] as { requests: number }).requests);
    }
    expect(busiest).toBeLessThanOrEqual(100);
    expect(stats.rateLimited).toBeLessThanOrEqual(3);

    // live p99 enqueue → delivered while the backfill ran
    const queue = s.producer.queues.get('default')![0]!;
    const bulkStart = samples.find((sample) => sample.bulk > 0)?.at ?? Number.POSITIVE_INFINITY;
    const latencies = (await queue.getCompleted(0, -1))
      .filter((job) => job.timestamp >= bulkStart && job.timestamp <= backfillEnd && job.finishedOn !== undefined)
      .map((job) => (job.finishedOn as number) - job.timestamp);
    expect(latencies.length).toBeGreaterThan(100);
    expect(percentile(latencies, 99)).toBeLessThanOrEqual(1_000);

    // Bulk used ≥ 80 % of what live left, second by second over the backfill's steady part (after its first
    // 50 requests, before its last 100, no 429 pause in the second), counting only what bulk asked for: on a
    // loaded machine the importer's own CPU, not the budget, can be what limits it, and a request it did not
    // make says nothing about the lanes. "What live left" is the rate in force (AIMD) minus live's grants.
    let available = 0;
    let usedByBulk = 0;
    let steadySeconds = 0;
    for (let i = 0; i + 10 < samples.length; i += 10) {
      const a = samples[i] as (typeof samples)[number];
      const b = samples[i + 10] as (typeof samples)[number];
      const window = samples.slice(i, i + 11);
      if (a.bulk < 50 || b.bulk > summary.requests - 100 || window.some((sample) => sample.paused)) continue;
      const seconds = (b.at - a.at) / 1000;
      steadySeconds += seconds;
      const left = (window.reduce((sum, sample) => sum + sample.rate, 0) / window.length) * seconds - (b.live - a.live);
      // what bulk could have used: what it asked for in the second, plus what was still waiting at its start
      available += Math.min(left, b.bulkAsked - a.bulkAsked + (a.bulkAsked - a.bulk));
      usedByBulk += b.bulk - a.bulk;
    }
    expect(steadySeconds).toBeGreaterThanOrEqual(5);
    expect(usedByBulk / available).toBeGreaterThanOrEqual(0.8);

    // both lanes' counts add up to what the emulator received: bulk's are the importer's requests
    const lanes = await readLanes(redis, 'default', s.namespace);
    expect(lanes?.bulk.granted).toBe(summary.requests);
    expect((lanes?.live.granted ?? 0) + (lanes?.bulk.granted ?? 0)).toBe(stats.requests);
    expect(stats.acceptedOperations).toBe(ROWS + liveIds.length);
    process.stdout.write(`lanes e2e: busiest second ${busiest} req, 429s ${stats.rateLimited}, live p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms, bulk used ${((usedByBulk / available) * 100).toFixed(0)} % of what live left (and it asked for) over ${steadySeconds.toFixed(0)} s\n`);
  }, 180_000);
});
