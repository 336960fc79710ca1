/**
 * The importer's PostgreSQL source end to end: a table of N rows (default 1,000,000) into an emulator
 * enforcing the default budget of 100 req/s, side by side in the same run with `COPY … TO STDOUT` of the
 * same table into /dev/null — the read ceiling: the fastest the server hands those rows out as text.
 *
 *   pnpm --filter @cioscale/bench run pg-source [rows]
 *
 * Needs the PostgreSQL of the machine on 127.0.0.1:5432 (trust auth, database `test`; `.ci/run` starts it).
 * The table is made in its own schema with generate_series and dropped at the end. The emulator runs as a
 * separate process (as Customer.io would be). Prints rows/s of both, their ratio, the importer's peak RSS
 * and the 1-minute load average at the start and at the end, as a row for docs/benchmarks.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const tsx = ['--conditions=source', '--import', 'tsx'];
const URL_ = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `cioscale_bench_${process.pid}`;

function psql(sql: string, stdout: 'pipe' | number = 'pipe'): string {
  const result = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', URL_, '-c', sql], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return typeof result.stdout === 'string' ? result.stdout.trim() : '';
}

async function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...tsx, 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', 'bench:bench-key', '--rate', '100', '--ledger', 'counters'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: chunk.toString().split('\n')[0]!.trim(), child };
}

async function main(): Promise<void> {
  const made = Date.now();
  psql(`CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.people (id bigint PRIMARY KEY, email text NOT NULL, plan text, seats integer, score numeric(12,2),
      signed_up timestamptz, tags text[], meta jsonb, updated_at timestamptz NOT NULL);
    INSERT INTO ${schema}.people SELECT g, 'u' || g || '@example.com', CASE WHEN g % 2 = 0 THEN 'pro' ELSE 'free' END, g % 40, g * 0.25,
      '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', ARRAY['t' || (g % 5), 'all'],
      jsonb_build_object('tier', g % 3, 'beta', g % 2 = 0), '2025-01-01 00:00:00+00' FROM generate_series(1, ${rows}) AS g;`);
  psql(`VACUUM ANALYZE ${schema}.people`);
  console.log(`table of ${rows.toLocaleString('en-US')} rows made in ${((Date.now() - made) / 1000).toFixed(1)} s`);
  const { url, child: emulator } = await startEmulator();
  const state = mkdtempSync(join(tmpdir(), 'cioscale-bench-pg-'));
  const loadAtStart = loadavg()[0]!;
  try {
    // the read ceiling: the same rows as text, straight into /dev/null
    const copyStarted = performance.now();
    psql(`COPY ${schema}.people TO STDOUT`, openSync('/dev/null', 'w'));
    const copySeconds = (performance.now() - copyStarted) / 1000;

    const started = performance.now();
    const importer = spawn(
      process.execPath,
      [...tsx, 'apps/importer/src/cli.ts', URL_, '--table', `${schema}.people`, '--cursor', 'updated_at', '--state-dir', state, '--json', '--progress', 'none'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CUSTOMERIO_SITE_ID: 'bench', CUSTOMERIO_TRACK_API_KEY: 'bench-key', CIO_TRACK_URL: url } },
    );
    let out = '';
    importer.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(importer, 'close')) as [number | null];
    const seconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { delivered?: number; requests?: number; rateLimited?: number; peakRssMb?: number };
    if (code !== 0 || summary.delivered !== rows) throw new Error(`the import exited ${code}, delivered ${summary.delivered}: ${out}`);

    const copyRate = rows / copySeconds;
    const importRate = rows / seconds;
    const load = `load ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`;
    console.log(`COPY TO STDOUT → /dev/null: ${copySeconds.toFixed(2)} s, ${Math.round(copyRate).toLocaleString('en-US')} rows/s (the read ceiling)`);
    console.log(`import → emulator at 100 req/s: ${seconds.toFixed(1)} s (process start included), ${Math.round(importRate).toLocaleString('en-US')} rows/s, ${summary.requests} requests, ${summary.rateLimited} 429s, peak RSS ${summary.peakRssMb} MB`);
    console.log(`ratio import / ceiling: ${((importRate / copyRate) * 100).toFixed(0)}%`);
    console.log(
      `| ${rows.toLocaleString('en-US')} rows, PostgreSQL → emulator (100 req/s) | ${Math.round(importRate).toLocaleString('en-US')} rows/s | COPY ${Math.round(copyRate).toLocaleString('en-US')} rows/s | ${((importRate / copyRate) * 100).toFixed(0)}% | ${summary.peakRssMb} MB | ${load} |`,
    );
  } finally {
    emulator.kill('SIGTERM');
    rmSync(state, { recursive: true, force: true });
    psql(`DROP SCHEMA ${schema} CASCADE`);
  }
}

await main();
