/**
 * A redis-server of a benchmark's own, with AOF on (`appendfsync everysec`, as a production Redis runs), whose
 * CPU the benchmark reads from /proc next to its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPing } from '@cioscale/test-support';

/** CPU time a process has used so far (user + system), ms, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** A redis-server of the benchmark's own with AOF on (everysec), so its CPU can be read. */
export async function redisServer(): Promise<{ url: string; pid: number; close: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cio-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--appendfsync', 'everysec'], { stdio: 'ignore' });
  await waitForPing(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    close: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

