/**
 * CPU per enqueued operation of the producer (`createProducer().enqueueMany`) and of its redis-server, at the
 * batch sizes the gateway's batcher makes, for this checkout and — with `PRODUCER_BENCH_BEFORE=<checkout>`,
 * e.g. /work/main — for another checkout's producer, interleaved in one run against one redis-server (AOF on,
 * `appendfsync everysec`). CPU time rather than wall time: on a shared machine it is the figure that moves
 * least with the load (docs/benchmarks.md, gateway section).
 *
 *   pnpm --filter @cioscale/bench run producer [operations per run, default 4000] [rounds, default 5]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { identify, track } from '@cioscale/core';
import * as current from '@cioscale/queue';
import { freshNamespace } from '@cioscale/test-support';
import { cpuMs, redisServer } from './benchRedis.js';

type QueueModule = Pick<typeof current, 'createProducer'>;

const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const perRun = Number(process.argv[2] ?? 4_000);
  const rounds = Number(process.argv[3] ?? 5);
  const before = process.env['PRODUCER_BENCH_BEFORE'];
  const redis = await redisServer();
  const modules: [string, QueueModule][] = [['this checkout', current]];
  if (before) modules.unshift([`before (${before})`, (await import(join(before, 'packages/queue/src/index.ts'))) as QueueModule]);
  const loadBefore = load();
  const rows: string[] = [];
  try {
    for (const batch of [1, 16, 64]) {
      const producers = modules.map(([name, module]) => ({ name, producer: module.createProducer({ redis: redis.url, namespace: freshNamespace() }), cpu: 0, redisCpu: 0 }));
      let person = 0;
      // the gateway's bench calls: an identify and an event per pair
      const operations = () => Array.from({ length: batch }, (_, index) => (index % 2 === 0 ? identify(`p${person++}`, { email: 'ada@example.com', plan: 'pro', first_name: 'Ada', created_at: 1_700_000_000 }) : track(`p${person++}`, 'purchased', { amount_cents: 1999, currency: 'USD', sku: 'bench-1' })));
      for (let round = 0; round <= rounds; round++) {
        for (const entry of producers) {
          const started = process.cpuUsage();
          const redisStarted = cpuMs(redis.pid) * 1000;
          for (let sent = 0; sent < perRun; sent += batch) await entry.producer.enqueueMany(operations());
          const used = process.cpuUsage(started);
          // round 0 warms up
          if (round > 0) {
            entry.cpu += used.user + used.system;
            entry.redisCpu += cpuMs(redis.pid) * 1000 - redisStarted;
          }
        }
      }
      for (const entry of producers) {
        const per = (micros: number) => (micros / (rounds * perRun)).toFixed(1);
        rows.push(`| ${entry.name} | ${batch} | ${per(entry.cpu)} | ${per(entry.redisCpu)} |`);
        await entry.producer.close();
      }
    }
  } finally {
    redis.close();
  }
  process.stdout.write(
    [
      `producer benchmark: ${perRun} operations per run, ${rounds} rounds interleaved (after one warm-up), load average before ${loadBefore}, after ${load()}`,
      '',
      '| producer | operations per enqueueMany | producer CPU µs per operation | redis-server CPU µs per operation |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
