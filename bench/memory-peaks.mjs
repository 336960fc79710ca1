/**
 * A preload for the process under measurement: samples `process.memoryUsage()` every 20 ms and, at exit,
 * writes the peaks (MB), V8's heap spaces at the moment of the RSS peak (`spacesAtPeak`, committed / used MB)
 * and the CPU used (user + system, s) to stderr as one `MEM {...}` line.
 *   BENCH_BUILT=1 BENCH_NODE_ARGS="--import ./bench/memory-peaks.mjs" pnpm --filter @cioscale/bench run importer 1000000
 */
import process from 'node:process';
import { setInterval } from 'node:timers';
import { getHeapSpaceStatistics } from 'node:v8';

const MB = 1048576;
const peak = {};
let spacesAtPeak = {};
setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > (peak.rss ?? 0)) {
    spacesAtPeak = Object.fromEntries(
      getHeapSpaceStatistics()
        .filter((space) => space.space_size > 0)
        .map((space) => [space.space_name, `${Math.round(space.space_size / MB)}/${Math.round(space.space_used_size / MB)}`]),
    );
  }
  for (const key in usage) peak[key] = Math.max(peak[key] ?? 0, usage[key]);
}, 20).unref();
process.on('exit', () => {
  const out = {};
  for (const key in peak) out[key] = Math.round(peak[key] / MB);
  const cpu = process.cpuUsage();
  out.maxRSS = Math.round(process.resourceUsage().maxRSS / 1024);
  out.cpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(1);
  out.spacesAtPeak = spacesAtPeak;
  process.stderr.write(`MEM ${JSON.stringify(out)}\n`);
});
