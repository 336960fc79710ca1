/**
 * The importer with `--api track` and `--api pipelines` side by side, on the same generated users file:
 *
 *   pnpm --filter @cioscale/bench run importer:pipelines
 *
 * builds the importer (`apps/importer/dist/cli.js`, unless `BENCH_SKIP_BUILD=1`), generates the users file
 * (`gen:users`, cached in the temp folder), then runs the two APIs interleaved — track, pipelines, track,
 * pipelines… (`BENCH_PAIRS`, default 2) — each into a fresh emulator in its own process that serves both
 * ports (Track at 100 req/s as Customer.io's, Pipelines at its default 1000 req/s soft, Customer.io's
 * "3000 per 3 s"). The importer's own budget is its default (100 req/s) for both. Each import runs under
 * `/usr/bin/time` for CPU and peak RSS; wall time is spawn to exit.
 *
 * Prints a markdown table for docs/benchmarks.md (rows/s, wall, CPU, requests, 429s, rows lost, peak RSS,
 * `uptime`'s load averages before and after each run) and the Pipelines/Track ratio of each pair; the
 * machine is shared, so compare within a pair.
 *
 * Knobs: `BENCH_ROWS` (1,000,000), `BENCH_PAIRS` (2), `BENCH_IMPORTER_FLAGS` (extra importer flags), `BENCH_SKIP_BUILD=1`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runTimed, sampleFile, shebangFlags, type Timed } from './importer-support.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const pairs = Number(process.env['BENCH_PAIRS'] ?? 2);
const importerFlags = (process.env['BENCH_IMPORTER_FLAGS'] ?? '').split(' ').filter(Boolean);
const tsx = ['--conditions=source', '--import', 'tsx'];
const WRITE_KEY = 'bench-write-key';

type Api = 'track' | 'pipelines';

interface Run {
  readonly api: Api;
  readonly timed: Timed;
  readonly summary: Record<string, unknown>;
  readonly accepted: number;
  readonly load: string;
}

const uptime = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The emulator in its own process with both ports, counters ledger. */
async function startEmulator(): Promise<{ url: string; pipelinesUrl: string; accepted(): Promise<number>; stop(): void }> {
  const child = spawn(
    process.execPath,
    [...tsx, 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', `bench:${WRITE_KEY}`, '--rate', '100', '--ledger', 'counters', '--pipelines-port', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  const pipelinesLine = /^Data Pipelines API: (\S+)\/v1/m;
  while (!pipelinesLine.test(text)) {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    text += chunk.toString();
  }
  const url = text.split('\n')[0]!.trim();
  const pipelinesUrl = pipelinesLine.exec(text)![1]!;
  // keep reading: a full stdout pipe would block the emulator
  child.stdout!.resume();
  return {
    url,
    pipelinesUrl,
    // the ledger is shared: acceptedOperations counts Track operations and Pipelines calls alike
    accepted: async () => ((await (await fetch(`${url}/__emulator/stats`)).json()) as { acceptedOperations: number }).acceptedOperations,
    stop: () => void child.kill('SIGTERM'),
  };
}

async function importOnce(api: Api, file: string): Promise<Run> {
  const emulator = await startEmulator();
  const state = mkdtempSync(join(tmpdir(), 'cioscale-bench-state-'));
  const before = uptime();
  try {
    const env: Record<string, string> =
      api === 'track'
        ? { CUSTOMERIO_SITE_ID: 'bench', CUSTOMERIO_TRACK_API_KEY: WRITE_KEY, CIO_TRACK_URL: emulator.url }
        : { CUSTOMERIO_PIPELINES_WRITE_KEY: WRITE_KEY, CIO_PIPELINES_URL: emulator.pipelinesUrl };
    const timed = await runTimed([...shebangFlags('apps/importer/dist/cli.js'), 'apps/importer/dist/cli.js', file, '--api', api, '--json', '--progress', 'none', '--state-dir', state, ...importerFlags], env);
    return { api, timed, summary: timed.output as Record<string, unknown>, accepted: await emulator.accepted(), load: `${before} → ${uptime()}` };
  } finally {
    emulator.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

const n = (value: number): string => Math.round(value).toLocaleString('en-US');
const rowsPerSecond = (run: Run): number => (run.summary['delivered'] as number) / (run.timed.wallMs / 1000);

async function main(): Promise<void> {
  if (process.env['BENCH_SKIP_BUILD'] !== '1') {
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@cioscale/importer...', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
  }
  const file = await sampleFile(rows);
  const runs: Run[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    for (const api of ['track', 'pipelines'] as const) {
      const run = await importOnce(api, file);
      runs.push(run);
      console.error(`${api}: ${n(rowsPerSecond(run))} rows/s, ${run.summary['requests']} requests, load ${run.load}`);
    }
  }
  console.log(`\n${n(rows)} rows, node ${process.version}, importer defaults${importerFlags.length > 0 ? ` + ${importerFlags.join(' ')}` : ''}\n`);
  console.log('| api | rows/s | wall | CPU | requests | 429s | lost | peak RSS | load (1/5/15 min) before → after |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const run of runs) {
    const lost = rows - run.accepted;
    console.log(
      `| ${run.api} | ${n(rowsPerSecond(run))} | ${(run.timed.wallMs / 1000).toFixed(1)} s | ${run.timed.cpuSeconds.toFixed(1)} s | ${n(run.summary['requests'] as number)} | ${run.summary['rateLimited']} | ${lost} | ${run.timed.peakRssMb} MB | ${run.load} |`,
    );
  }
  console.log('');
  for (let pair = 0; pair < pairs; pair++) {
    const track = runs[2 * pair]!;
    const pipelines = runs[2 * pair + 1]!;
    console.log(
      `pair ${pair + 1}: pipelines/track rows/s ${(rowsPerSecond(pipelines) / rowsPerSecond(track)).toFixed(2)} ×, requests ${((pipelines.summary['requests'] as number) / (track.summary['requests'] as number)).toFixed(2)} ×, CPU ${(pipelines.timed.cpuSeconds / track.timed.cpuSeconds).toFixed(2)} ×, peak RSS ${(pipelines.timed.peakRssMb / track.timed.peakRssMb).toFixed(2)} ×`,
    );
  }
}

await main();
