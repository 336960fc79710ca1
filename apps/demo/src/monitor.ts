import { execFile, spawn } from 'node:child_process';
import { scriptArgs } from '@cioscale/test-support';
import { entryPoints } from './entryPoints.js';

/**
 * Where the monitor finds the demo's fleet. Redis and the namespace go in the environment
 * (`REDIS_URL`, `CIO_QUEUE_NAMESPACE`), as for the workers, so a password never shows in `ps`.
 */
export interface MonitorTarget {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Shown (and selected) from the start. */
  readonly workspace: string;
}

/**
 * Runs the monitor's live screen on this terminal until `q`, Ctrl-C (the monitor's own keys) or
 * `signal` (SIGTERM, which the monitor answers by restoring the terminal); resolves with its exit code.
 */
export function runMonitorScreen(target: MonitorTarget, signal: AbortSignal): Promise<number | null> {
  const child = spawn(process.execPath, scriptArgs(entryPoints.monitor, ['--workspace', target.workspace]), { cwd: target.cwd, env: target.env, stdio: 'inherit' });
  const stop = (): void => void child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  return new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  }).finally(() => signal.removeEventListener('abort', stop));
}

/** What `cioscale-monitor --once --json` printed, and how it exited (1: Redis did not answer). */
export interface MonitorReading {
  readonly code: number | null;
  /** The reading as the monitor prints it (indented JSON). */
  readonly json: string;
  readonly stderr: string;
}

/** Takes one reading through the monitor (two, `intervalMs` apart, for the rates); `signal` stops it early. */
export function readMonitor(target: MonitorTarget, intervalMs: number, signal: AbortSignal): Promise<MonitorReading> {
  const args = scriptArgs(entryPoints.monitor, ['--once', '--json', '--interval', String(intervalMs), '--workspace', target.workspace]);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: target.cwd, env: target.env, signal, maxBuffer: 10_000_000 }, (_, stdout, stderr) => resolve({ code: child.exitCode, json: stdout, stderr }));
  });
}
