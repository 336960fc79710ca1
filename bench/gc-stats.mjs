/**
 * A preload for the process under measurement: counts V8's garbage collections by kind (minor = scavenge,
 * incremental marking, weak callbacks; a full mark-compact shows as its incremental steps) with their total
 * pause, and at exit appends one line per process — pid, script, CPU (user + system, s), the tallies — to
 * /tmp/cioscale-gc-stats.log. For the queue workers, from the repository's root (the path must be absolute:
 * the workers do not start in the root):
 *   BENCH_ONLY=one BENCH_PAIRS=1 BENCH_WORKER_NODE_OPTIONS="--import=$PWD/bench/gc-stats.mjs" pnpm --filter @cioscale/bench run queue
 */
import { appendFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';

const kinds = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakCallbacks' };
const tally = {};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = kinds[entry.detail?.kind] ?? String(entry.detail?.kind);
    const counted = (tally[kind] ??= { count: 0, ms: 0 });
    counted.count += 1;
    counted.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  const cpu = process.cpuUsage();
  for (const kind in tally) tally[kind].ms = Math.round(tally[kind].ms);
  const line = `${process.pid} ${process.argv[1]?.split('/').pop()} cpu=${((cpu.user + cpu.system) / 1e6).toFixed(2)}s ${JSON.stringify(tally)}\n`;
  appendFileSync('/tmp/cioscale-gc-stats.log', line);
});
