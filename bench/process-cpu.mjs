/**
 * Prints, every 500 ms for `seconds` (default 20), the CPU share of the benchmark's processes (no-op worker,
 * cioscale worker, bench + in-process emulator, redis-server), read from /proc (Linux only).
 *   node bench/process-cpu.mjs 16 & BENCH_ONLY=one pnpm --filter @cioscale/bench run queue
 */
import { readdirSync, readFileSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';
import { setInterval, setTimeout } from 'node:timers';

const labelOf = (cmd) =>
  cmd.includes('queue-noop') ? 'noop' : cmd.includes('apps/worker') ? 'worker' : cmd.includes('queue-worker.bench') ? 'bench+emulator' : cmd.includes('redis-server') ? 'redis' : cmd.includes('queue-seed') ? 'seed' : undefined;
const ticksBefore = new Map();
setInterval(() => {
  const shares = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const label = labelOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
      if (!label) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
      const delta = ticksBefore.has(pid) ? ticks - ticksBefore.get(pid) : undefined;
      ticksBefore.set(pid, ticks);
      if (delta) shares.push(`${label}:${delta * 2}%`); // 500 ms = 50 ticks → × 2 for %
    } catch {
      // the process ended between readdir and read
    }
  }
  if (shares.length > 0) console.log(shares.join(' '));
}, 500);
setTimeout(() => process.exit(0), Number(process.argv[2] ?? 20) * 1000);
