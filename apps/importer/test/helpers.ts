/**
 * End-to-end helpers: a real emulator per test (port 0), the real CLI spawned as a child process, and a
 * fresh temporary folder for the CSV, the state folder and the failed-rows file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '@cioscale/emulator';
import { afterEach } from 'vitest';

/** The repository root: the CLI runs from there, as `pnpm run import` does. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** A key the tests look for in every output: it must never appear. */
export const SECRET_KEY = 'sk-TOPSECRET-importer-4b1d';

/** What a finished CLI run printed and returned. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `--json` line (the last line of stdout). */
  readonly json: Record<string, unknown>;
}

/** Per-test resources, cleaned up after each test. */
export function useWorkspace(): {
  emulator: (options?: EmulatorOptions) => Promise<EmulatorHandle>;
  dir: () => string;
} {
  const emulators: EmulatorHandle[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(emulators.splice(0).map((e) => e.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    emulator: async (options = {}) => {
      const emulator = await startEmulator({ rate: 0, workspaces: [`site:${SECRET_KEY}`], ...options });
      emulators.push(emulator);
      return emulator;
    },
    dir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'cioscale-import-'));
      dirs.push(dir);
      return dir;
    },
  };
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeCsv(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Environment pointing the CLI at `emulator` with `apiKey`. */
export function envFor(emulator: EmulatorHandle, apiKey = SECRET_KEY): NodeJS.ProcessEnv {
  return { ...cleanEnv(), CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: apiKey, CIO_TRACK_URL: emulator.url };
}

/**
 * Variables the importer reads that would point a test at the developer's own Customer.io account or Redis
 * (customerio's env.ts, queue's connection.ts, the shared-budget flags' `CIO_QUEUE_NAMESPACE`).
 */
const MACHINE_VARIABLES = [
  'CUSTOMERIO_SITE_ID',
  'CUSTOMERIO_TRACK_API_KEY',
  'CUSTOMERIO_REGION',
  'CIO_TRACK_URL',
  'CIO_RATE_LIMIT',
  'CIO_API',
  'CUSTOMERIO_PIPELINES_WRITE_KEY',
  'CIO_PIPELINES_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_PASSWORD',
  'CIO_QUEUE_NAMESPACE',
] as const;

/** The environment without any Customer.io or Redis variable of the machine running the tests: a test that wants one sets it. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of MACHINE_VARIABLES) delete env[name];
  return env;
}

/** Spawns the CLI as `pnpm run import` would (without pnpm in between). */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/importer/src/cli.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI to the end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return finished(spawnCli(args, env));
}

/** Collects a spawned CLI's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise) => {
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(last) as Record<string, unknown>;
      } catch {
        // not a --json run, or it died before printing: the assertions on `json` will say so
      }
      resolvePromise({ code, stdout, stderr, json });
    });
  });
}

/** A people CSV of `count` rows: ids `u1…u<count>`, with a plan and a seat count. */
export function peopleCsv(count: number, plan = (i: number): string => (i % 2 === 0 ? 'pro' : 'free')): string {
  const lines = ['id,email,plan,seats'];
  for (let i = 1; i <= count; i++) lines.push(`u${i},u${i}@example.com,${plan(i)},${i % 40}`);
  return `${lines.join('\n')}\n`;
}

/** An events CSV of `count` rows for people `u1…u10`. */
export function eventsCsv(count: number): string {
  const lines = ['person,name,timestamp,amount'];
  for (let i = 1; i <= count; i++) lines.push(`u${(i % 10) + 1},purchased,${1_700_000_000 + i},${i}.5`);
  return `${lines.join('\n')}\n`;
}
