/**
 * The importer end to end: an N-row users CSV (default 1,000,000) into an emulator enforcing the
 * default budget of 100 req/s. The emulator runs as a separate process (as Customer.io would be), so its
 * CPU is not charged to the importer; on a 2-core machine they still share the cores.
 *
 *   pnpm --filter @cioscale/bench run importer [rows] [extra importer flags…]
 *
 * With `BENCH_BUILT=1` the importer runs from its build (`apps/importer/dist/cli.js`, after
 * `pnpm --filter @cioscale/importer... run build`) instead of through tsx: no transpiler in the process.
 *
 * `BENCH_NODE_ARGS` passes flags to the importer's node (e.g. `--cpu-prof`, `--trace-gc`).
 *
 * Prints the importer's `--json` summary, the emulator's counters and a markdown row for docs/benchmarks.md,
 * ending with the 1-minute load average at the start and at the end of the import (the machine is shared:
 * compare variants only at similar loads).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const extra = process.argv.slice(3);
const tsx = ['--conditions=source', '--import', 'tsx'];

async function sampleFile(count: number): Promise<string> {
  const file = join(tmpdir(), `cioscale-bench-users-${count}.csv`);
  if (existsSync(file)) return file;
  const generator = spawn(process.execPath, [...tsx, 'apps/importer/src/generate/genUsers.ts', String(count)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  // pipeline() resolves once the file is flushed and closed; awaiting 'close' after pipe() could wait for an
  // event that had already fired (the process then exited 13 with an unsettled top-level await)
  const exited = once(generator, 'close');
  await pipeline(generator.stdout, createWriteStream(`${file}.tmp`));
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`gen:users exited with ${code}`);
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.tmp`, file);
  return file;
}

async function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...tsx, 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', 'bench:bench-key', '--rate', '100', '--ledger', 'counters'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = chunk.toString().split('\n')[0]!.trim();
  return { url, child };
}

async function main(): Promise<void> {
  const file = await sampleFile(rows);
  const { url, child: emulator } = await startEmulator();
  const state = mkdtempSync(join(tmpdir(), 'cioscale-bench-state-'));
  const loadAtStart = loadavg()[0]!;
  try {
    const entry = process.env['BENCH_BUILT'] === '1' ? ['apps/importer/dist/cli.js'] : [...tsx, 'apps/importer/src/cli.ts'];
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const importer = spawn(process.execPath, [...nodeArgs, ...entry, file, '--json', '--progress', 'none', '--state-dir', state, ...extra], {
      cwd: root,
      env: { ...process.env, CUSTOMERIO_SITE_ID: 'bench', CUSTOMERIO_TRACK_API_KEY: 'bench-key', CIO_TRACK_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    importer.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const [code] = (await once(importer, 'close')) as [number];
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | string>;
    const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; acceptedOperations: number; duplicateEvents: number };
    const seconds = (summary['durationMs'] as number) / 1000;
    const rowsPerSecond = Math.round((summary['delivered'] as number) / seconds);
    const lost = rows - (stats.acceptedOperations as number);
    const share = stats.requests > 0 ? ((100 * stats.rateLimited) / stats.requests).toFixed(2) : '0';
    console.log(JSON.stringify({ exitCode: code, summary, emulator: stats }, null, 2));
    const load = `load ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
    console.log(
      `| ${rows.toLocaleString('en-US')} | ${rowsPerSecond.toLocaleString('en-US')} | ${seconds.toFixed(1)} s | ${stats.requests} | ${stats.rateLimited} (${share}%) | ${lost} | ${summary['peakRssMb']} MB | ${load} |`,
    );
  } finally {
    emulator.kill('SIGTERM');
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
