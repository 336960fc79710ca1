/**
 * The importer's PostgreSQL source end to end: a table of N rows (default 1,000,000) into an emulator
 * enforcing the default budget of 100 req/s, side by side in the same run with `COPY … TO STDOUT` of the
 * same table into /dev/null — the read ceiling: the fastest the server hands those rows out as text.
 *
 *   pnpm --filter @cioscale/bench run pg-source [rows]
 *
 * Needs the PostgreSQL of the machine on 127.0.0.1:5432 (trust auth, database `test`; `.ci/run` starts it).
 * The table is made in its own schema with generate_series and dropped at the end; it has the index a
 * `--cursor updated_at` sync wants, on `(updated_at, id)` (without it the server sorts the table on disk
 * before the first row, which COPY never does). The emulator runs as a
 * separate process (as Customer.io would be). The importer is the built bin (`apps/importer/dist/cli.js`, built
 * first with turbo, as in importer-targets.bench.ts); `BENCH_BUILT=0` runs its sources through tsx. It runs twice: the
 * default (the source on the main thread), then `--parse-thread` (the source in a worker thread). COPY runs before and after the imports (the ceiling is their
 * mean, both are printed). Prints rows/s of both, their ratio, the budget ceiling (100 req/s × the rows per
 * request this run's requests held: no importer can go faster at that budget), the import's share of it,
 * the importer's peak RSS and the 1-minute load average at the start and at the end, as a row for
 * docs/benchmarks.md.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const tsx = ['--conditions=source', '--import', 'tsx'];
// the built bin is what users run (and tsx's loader thread alone adds ~30 MB of RSS); BENCH_BUILT=0 runs the sources
const built = process.env['BENCH_BUILT'] !== '0';
const importerEntry = built ? ['apps/importer/dist/cli.js'] : [...tsx, 'apps/importer/src/cli.ts'];
const URL_ = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `cioscale_bench_${process.pid}`;
/** The emulator's budget, req/s: Customer.io's default. */
const RATE = 100;

function psql(sql: string, stdout: 'pipe' | number = 'pipe'): string {
  const result = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', URL_, '-c', sql], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return typeof result.stdout === 'string' ? result.stdout.trim() : '';
}

async function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...tsx, 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', 'bench:bench-key', '--rate', String(RATE), '--ledger', 'counters'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: chunk.toString().split('\n')[0]!.trim(), child };
}

interface ImportRun {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly summary: { delivered?: number; requests?: number; rateLimited?: number; peakRssMb?: number; durationMs?: number };
}

async function main(): Promise<void> {
  if (built) execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@cioscale/importer...', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
  const made = Date.now();
  psql(`CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.people (id bigint PRIMARY KEY, email text NOT NULL, plan text, seats integer, score numeric(12,2),
      signed_up timestamptz, tags text[], meta jsonb, updated_at timestamptz NOT NULL);
    INSERT INTO ${schema}.people SELECT g, 'u' || g || '@example.com', CASE WHEN g % 2 = 0 THEN 'pro' ELSE 'free' END, g % 40, g * 0.25,
      '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', ARRAY['t' || (g % 5), 'all'],
      jsonb_build_object('tier', g % 3, 'beta', g % 2 = 0), '2025-01-01 00:00:00+00' FROM generate_series(1, ${rows}) AS g;
    CREATE INDEX ON ${schema}.people (updated_at, id);`);
  psql(`VACUUM ANALYZE ${schema}.people`);
  console.log(`table of ${rows.toLocaleString('en-US')} rows made in ${((Date.now() - made) / 1000).toFixed(1)} s`);
  const { url, child: emulator } = await startEmulator();
  const state = mkdtempSync(join(tmpdir(), 'cioscale-bench-pg-'));
  const loadAtStart = loadavg()[0]!;
  try {
    // the read ceiling: the same rows as text, straight into /dev/null (again after the import: the mean)
    const copy = (): number => {
      const copyStarted = performance.now();
      psql(`COPY ${schema}.people TO STDOUT`, openSync('/dev/null', 'w'));
      return (performance.now() - copyStarted) / 1000;
    };
    const copyBefore = copy();

    // the import, with the source on the main thread (the default) and then in its own thread (--parse-thread)
    const runImport = async (extra: readonly string[]): Promise<ImportRun> => {
      rmSync(join(state, 'run'), { recursive: true, force: true });
      const started = performance.now();
      // GNU time, when the machine has it, gives the importer's CPU seconds: a figure a loaded machine distorts less
      const cpuFile = join(state, 'cpu.txt');
      const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%U %S', '-o', cpuFile, process.execPath] : [process.execPath];
      const importer = spawn(
        timed[0]!,
        [...timed.slice(1), ...importerEntry, URL_, '--table', `${schema}.people`, '--cursor', 'updated_at', '--state-dir', join(state, 'run'), '--json', '--progress', 'none', ...extra],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CUSTOMERIO_SITE_ID: 'bench', CUSTOMERIO_TRACK_API_KEY: 'bench-key', CIO_TRACK_URL: url } },
      );
      let out = '';
      importer.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const [code] = (await once(importer, 'close')) as [number | null];
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = existsSync(cpuFile) ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number).reduce((a, b) => a + b, 0) : Number.NaN;
      const summary = JSON.parse(out.trim().split('\n').pop() ?? '{}') as ImportRun['summary'];
      if (code !== 0 || summary.delivered !== rows) throw new Error(`the import exited ${code}, delivered ${summary.delivered}: ${out}`);
      return { seconds, cpuSeconds, summary };
    };
    const inline = await runImport([]);
    const threaded = await runImport(['--parse-thread']);
    const { seconds, cpuSeconds, summary } = inline;

    // the source alone: the cursor read and the type mapping, then also the row mapper, nothing sent
    const alone = (mode: 'read' | 'thread' | 'map'): { seconds: number; cpuSeconds: number; peakRssMb: number } => {
      const result = spawnSync(process.execPath, [...tsx, 'bench/pg-source-read.ts', URL_, `${schema}.people`, mode], { cwd: root, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`pg-source-read failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as { seconds: number; cpuSeconds: number; peakRssMb: number };
    };
    const read = alone('read');
    const readThread = alone('thread');
    const mapped = alone('map');
    const copyAfter = copy();
    const copySeconds = (copyBefore + copyAfter) / 2;
    const copyRate = rows / copySeconds;
    const importRate = rows / seconds;
    // requests are filled to 480 KB: at 100 req/s the budget itself allows this many rows a second
    const rowsPerRequest = rows / (summary.requests ?? Number.NaN);
    const budgetRate = RATE * rowsPerRequest;
    const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');
    const pct = (value: number): string => `${(value * 100).toFixed(0)}%`;
    const load = `load ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
    console.log(`COPY TO STDOUT → /dev/null: ${copyBefore.toFixed(2)} s before, ${copyAfter.toFixed(2)} s after; mean ${fmt(copyRate)} rows/s (the read ceiling)`);
    console.log(`budget ceiling: ${RATE} req/s × ${fmt(rowsPerRequest)} rows/request (480 KB each) = ${fmt(budgetRate)} rows/s = ${pct(budgetRate / copyRate)} of COPY`);
    const runRate = rows / ((summary.durationMs ?? Number.NaN) / 1000);
    console.log(`import → emulator at ${RATE} req/s: ${seconds.toFixed(1)} s (process start included), ${fmt(importRate)} rows/s (${fmt(runRate)} rows/s over the run's own ${((summary.durationMs ?? 0) / 1000).toFixed(1)} s), ${summary.requests} requests, ${summary.rateLimited} 429s, ${cpuSeconds.toFixed(1)} CPU s (${((cpuSeconds / rows) * 1e6).toFixed(1)} µs a row), peak RSS ${summary.peakRssMb} MB`);
    const threadRate = rows / threaded.seconds;
    console.log(`import --parse-thread (source in its own thread): ${threaded.seconds.toFixed(1)} s, ${fmt(threadRate)} rows/s = ${pct(threadRate / importRate)} of the default, ${threaded.summary.requests} requests, ${threaded.summary.rateLimited} 429s, ${threaded.cpuSeconds.toFixed(1)} CPU s (both threads), peak RSS ${threaded.summary.peakRssMb} MB`);
    for (const [what, run] of [['read (cursor + type mapping)', read], ['read in its own thread (--parse-thread)', readThread], ['read + row mapper', mapped]] as const) {
      console.log(`the source alone, ${what}: ${run.seconds.toFixed(1)} s, ${fmt(rows / run.seconds)} rows/s, ${run.cpuSeconds.toFixed(1)} CPU s, peak RSS ${run.peakRssMb} MB`);
    }
    console.log(`ratio import / COPY ceiling: ${pct(importRate / copyRate)}; import / budget ceiling: ${pct(importRate / budgetRate)}; ${load}`);
    console.log(
      `| ${rows.toLocaleString('en-US')} | ${fmt(importRate)} (--parse-thread ${fmt(threadRate)}, ${threaded.summary.peakRssMb} MB) | ${fmt(copyRate)} | ${fmt(budgetRate)} (${pct(budgetRate / copyRate)} of COPY) | ${pct(importRate / copyRate)} | ${pct(importRate / budgetRate)} | ${summary.requests} · ${summary.rateLimited} | ${summary.peakRssMb} MB | ${load} |`,
    );
  } finally {
    emulator.kill('SIGTERM');
    rmSync(state, { recursive: true, force: true });
    psql(`DROP SCHEMA ${schema} CASCADE`);
  }
}

await main();
