import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv, envFor, finished, peopleCsv, REPO_ROOT, useWorkspace, writeCsv, type CliResult } from './helpers.js';

const RECORDER = fileURLToPath(new URL('./fixtures/recordModules.mjs', import.meta.url));
/** The Redis clients (with the queue package) and the PostgreSQL client: tens of MB of RSS once loaded. */
const HEAVY = /\/packages\/queue\/|\/node_modules\/(?:bullmq|ioredis|pg|pg-cursor)\//;

/** Runs the CLI as `spawnCli` does, recording every module it resolves; returns the result and the URLs. */
async function cliModules(args: readonly string[], env: NodeJS.ProcessEnv, dir: string): Promise<{ result: CliResult; modules: string[] }> {
  const list = join(dir, 'modules.txt');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', RECORDER, 'apps/importer/src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...env, CIOSCALE_MODULES_FILE: list },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await finished(child);
  return { result, modules: existsSync(list) ? readFileSync(list, 'utf8').trim().split('\n') : [] };
}

describe('what an import loads', () => {
  const { emulator, dir } = useWorkspace();

  it('a CSV import without --redis loads neither the Redis clients nor the PostgreSQL client', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(50));
    const { result, modules } = await cliModules([file, '--state-dir', join(folder, 'state'), '--json'], envFor(cio), folder);
    expect(result.code, result.stderr).toBe(0);
    expect(cio.stats().sizes.people).toBe(50);
    // the recorder saw the import's own modules, so an empty list cannot pass for "nothing heavy"
    expect(modules.some((url) => url.includes('/apps/importer/src/runImport.ts'))).toBe(true);
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
  }, 60_000);

  it('loads the queue package once --redis asks for the shared budget (the recorder does see it)', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(2));
    // a dry run checks the flags (which needs the queue package) and sends nothing, so no Redis is needed
    const { result, modules } = await cliModules([file, '--dry-run', '--redis', 'redis://127.0.0.1:1'], cleanEnv(), folder);
    expect(result.code, result.stderr).toBe(0);
    expect(modules.some((url) => url.includes('/packages/queue/'))).toBe(true);
  }, 60_000);
});
