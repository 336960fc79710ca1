/**
 * Issue 14's importer targets in one command, every figure beside its same-run ceiling:
 *
 *   pnpm --filter @cioscale/bench run importer:targets
 *
 * builds the importer (its bin, `apps/importer/dist/cli.js`, is what users run), generates the users files
 * (`gen:users`, cached in the temp folder) and then, one after another on the same machine:
 *   1. the ceiling: csv-parse + JSON.stringify alone over the 1M file (importer-ceiling.ts), nothing sent;
 *   2. the importer with its defaults, 1M rows, into an emulator at 100 req/s in its own process;
 *   2b. the same with `--parse-thread` (csv-parse in a worker thread);
 *   3. csv-parse + customerio-node `batch()` of 1,000 operations (importer-cio-batch.ts), same emulator setup;
 *   4. the ceiling again (the machine is shared: the better of the two is the ceiling);
 *   5. the importer at 5M rows, for peak RSS (`BENCH_RSS_ROWS`, `0` skips it).
 * Each process is wrapped in `/usr/bin/time` for CPU and peak RSS; wall time is spawn to exit. Prints a
 * markdown table for docs/benchmarks.md, with `uptime`'s load averages before and after each run.
 *
 * The importer runs as its bin does: with the node flags of its shebang line (`#!/usr/bin/env -S node …`).
 *
 * Knobs: `BENCH_ROWS` (1,000,000), `BENCH_RSS_ROWS` (5,000,000), `BENCH_NODE` (the node binary for everything
 * measured, ceiling included, e.g. Node 24's), `BENCH_NODE_ARGS` (more flags for the importer's node, after the
 * shebang's, so they win),
 * `BENCH_IMPORTER_FLAGS` (extra importer flags, space-separated), `BENCH_SKIP_BUILD=1`,
 * `BENCH_BEFORE_ENTRY` (another build's `apps/importer/dist/cli.js`, e.g. main's: run as "before" right after the
 * importer with defaults, at 1M and at the RSS size (`BENCH_BEFORE_RSS=0`: at 1M only), so before and after share
 * the run and its ceiling),
 * `BENCH_SKIP` (comma-separated: `parse-thread`, `cio-batch` — to shorten a run on a loaded machine).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { benchNode, root, runImporter, runTimed, sampleFile, shebangFlags, startEmulator, type Timed } from './importer-support.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const rssRows = Number(process.env['BENCH_RSS_ROWS'] ?? 5_000_000);
const tsx = ['--conditions=source', '--import', 'tsx'];
const importerFlags = (process.env['BENCH_IMPORTER_FLAGS'] ?? '').split(' ').filter(Boolean);
const beforeEntry = process.env['BENCH_BEFORE_ENTRY'];
const skip = new Set((process.env['BENCH_SKIP'] ?? '').split(',').map((name) => name.trim()).filter(Boolean));

interface Row {
  readonly what: string;
  readonly rows: number;
  readonly timed: Timed;
  readonly requests?: number;
  readonly rateLimited?: number;
  readonly lost?: number;
  readonly load: string;
}

const uptime = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  if (process.env['BENCH_SKIP_BUILD'] !== '1') {
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@cioscale/importer...', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
  }
  const file = await sampleFile(rows);
  const big = rssRows > 0 ? await sampleFile(rssRows) : undefined;
  const results: Row[] = [];
  const ceiling = async (label: string): Promise<void> => {
    const before = uptime();
    const timed = await runTimed([...tsx, 'bench/importer-ceiling.ts', file], {});
    results.push({ what: label, rows: (timed.output as { rows: number }).rows, timed, load: `${before} → ${uptime()}` });
  };
  const importer = async (label: string, count: number, path: string, flags: readonly string[] = [], entry?: string): Promise<void> => {
    const before = uptime();
    const run = await runImporter(path, [...importerFlags, ...flags], entry);
    results.push({ what: label, rows: count, timed: run.timed, requests: run.emulator.requests, rateLimited: run.emulator.rateLimited, lost: count - run.emulator.acceptedOperations, load: `${before} → ${uptime()}` });
  };
  await ceiling('ceiling: csv-parse + JSON.stringify, nothing sent');
  await importer('importer, defaults', rows, file);
  if (beforeEntry) await importer(`before (${beforeEntry}), defaults`, rows, file, [], beforeEntry);
  if (!skip.has('parse-thread')) await importer('importer, --parse-thread', rows, file, ['--parse-thread']);
  if (!skip.has('cio-batch')) {
    const before = uptime();
    const emulator = await startEmulator();
    try {
      const timed = await runTimed([...tsx, 'bench/importer-cio-batch.ts', file], { CIO_TRACK_URL: emulator.url });
      const stats = await emulator.stats();
      results.push({ what: 'csv-parse + customerio-node batch() of 1,000, one at a time', rows, timed, requests: stats.requests, rateLimited: stats.rateLimited, lost: rows - stats.acceptedOperations, load: `${before} → ${uptime()}` });
    } finally {
      emulator.stop();
    }
  }
  await ceiling('ceiling again');
  if (big) await importer('importer, defaults', rssRows, big);
  if (big && beforeEntry && process.env['BENCH_BEFORE_RSS'] !== '0') await importer(`before (${beforeEntry}), defaults`, rssRows, big, [], beforeEntry);

  const ceilingRuns = results.filter((r) => r.what.startsWith('ceiling'));
  const best = ceilingRuns.reduce((a, b) => (a.timed.wallMs <= b.timed.wallMs ? a : b));
  const ceilingRate = best.rows / (best.timed.wallMs / 1000);
  console.log(`\nceiling: ${Math.round(ceilingRate).toLocaleString('en-US')} rows/s (${(best.timed.wallMs / 1000).toFixed(2)} s), ${best.timed.peakRssMb} MB; node ${execFileSync(benchNode, ['-p', 'process.version'], { encoding: 'utf8' }).trim()}; importer node flags: ${[...shebangFlags('apps/importer/dist/cli.js'), process.env['BENCH_NODE_ARGS'] ?? ''].join(' ').trim() || 'none'}\n`);
  console.log('| run | rows | wall | rows/s | × ceiling rows/s | CPU (user + sys) | peak RSS | × ceiling RSS | requests | 429s | lost | load avg 1/5/15 min (before → after) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    const rate = r.rows / (r.timed.wallMs / 1000);
    console.log(
      `| ${r.what} | ${r.rows.toLocaleString('en-US')} | ${(r.timed.wallMs / 1000).toFixed(2)} s | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / ceilingRate).toFixed(2)} | ${r.timed.cpuSeconds.toFixed(1)} s | ${r.timed.peakRssMb} MB | ${(r.timed.peakRssMb / best.timed.peakRssMb).toFixed(2)} | ${r.requests ?? '—'} | ${r.rateLimited ?? '—'} | ${r.lost ?? '—'} | ${r.load} |`,
    );
  }
  console.log('\ntargets: ≥ 150,000 rows/s at 1M; peak RSS ≤ 150 MB at 1M and at 5M');
}

await main();
