import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The path of one of the worker's entry points (`main.ts`, `dlq.ts`, `loadgen.ts`), for a test that starts it itself. */
export const workerScriptPath = (script: string): string => fileURLToPath(new URL(`../../src/${script}`, import.meta.url));

const main = workerScriptPath('main.ts');

/** A worker process started by a test. */
export interface SpawnedWorker {
  readonly child: ChildProcess;
  /** The HTTP port it listens on, once started. */
  readonly port: number;
  /** Everything it printed. */
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Runs `apps/worker/src/main.ts` (or the `script` beside it) with `env` and `args` to its end; resolves with its exit code and output. */
export function runWorkerScript(env: Record<string, string>, options: { script?: string; args?: readonly string[] } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const path = options.script ? workerScriptPath(options.script) : main;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path, ...(options.args ?? [])], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Spawns `apps/worker/src/main.ts` with `env` (on top of PATH) and waits for its start line. */
export async function spawnWorker(env: Record<string, string>): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 30 s:\n${text}`)), 30_000);
    const check = (): void => {
      const match = /listening on :(\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${text}`));
    });
  });
  return { child, port, output: () => text, exited };
}
