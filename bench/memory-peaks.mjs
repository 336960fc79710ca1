/**
 * A preload for the process under measurement: samples `process.memoryUsage()` every 20 ms and, at exit,
 * writes the peaks (MB) and the CPU used (user + system, s) to stderr as one `MEM {...}` line.
 *   BENCH_BUILT=1 BENCH_NODE_ARGS="--import ./bench/memory-peaks.mjs" pnpm --filter @cioscale/bench run importer 1000000
 */
import process from 'node:process';
import { setInterval } from 'node:timers';
const peak = {};
setInterval(() => {
  const usage = process.memoryUsage();
  for (const key in usage) peak[key] = Math.max(peak[key] ?? 0, usage[key]);
}, 20).unref();
process.on('exit', () => {
  const out = {};
  for (const key in peak) out[key] = Math.round(peak[key] / 1048576);
  const cpu = process.cpuUsage();
  out.maxRSS = Math.round(process.resourceUsage().maxRSS / 1024);
  out.cpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(1);
  process.stderr.write(`MEM ${JSON.stringify(out)}\n`);
});
