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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { root, sampleFile, startEmulator } from './importer-support.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const extra = process.argv.slice(3);
const tsx = ['--conditions=source', '--import', 'tsx'];

async function main(): Promise<void> {
  const file = await sampleFile(rows);
  const { url, stop: stopEmulator } = await startEmulator();
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
    stopEmulator();
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
