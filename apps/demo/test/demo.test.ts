import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// run from the demo's own package directory, as `pnpm --filter @cioscale/demo start` does
const cwd = fileURLToPath(new URL('..', import.meta.url));
const demo = fileURLToPath(new URL('../src/demo.ts', import.meta.url));
let logs: string;

beforeEach(() => void (logs = mkdtempSync(join(tmpdir(), 'cio-demo-test-'))));
afterEach(() => rmSync(logs, { recursive: true, force: true }));

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('pnpm demo', () => {
  it('runs Redis, the emulator, two workers and the load generator, prints a reading, and leaves no process behind', { timeout: 150_000 }, async () => {
    // no REDIS_URL: the demo starts its own redis-server
    const { PATH, HOME } = process.env;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--conditions=source', '--import', 'tsx', demo, '--no-tui', '--duration', '2', '--logs', logs], { cwd, env: { PATH, HOME }, maxBuffer: 10_000_000 }, (_, stdout, stderr) =>
        resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    const pids = [...result.stderr.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]));
    // redis-server, two workers, the load generator
    expect(pids, result.stderr).toHaveLength(4);
    const view = JSON.parse(result.stdout) as { connected: boolean; workers: unknown[]; workspaces: { name: string; reading: { budget: { ceiling: number } | null } }[] };
    expect(view.connected).toBe(true);
    expect(view.workers).toHaveLength(2);
    expect(view.workspaces.map((workspace) => [workspace.name, workspace.reading.budget?.ceiling])).toEqual([['default', 100]]);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('stops everything it started on Ctrl-C (SIGINT)', { timeout: 150_000 }, async () => {
    const { PATH, HOME } = process.env;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', demo, '--no-tui', '--duration', '600', '--logs', logs], { cwd, env: { PATH, HOME }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('every worker reports')) resolve();
      });
      void exited.then(() => reject(new Error(`the demo exited before its fleet was up:\n${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    const pids = [...stderr.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]));
    expect(pids, stderr).toHaveLength(4);
    expect(pids.filter(alive)).toEqual([]);
  });
});
