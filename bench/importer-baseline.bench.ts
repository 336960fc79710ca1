/**
 * The seed-style baseline: customerio-node `identify()` once per row, behind an 80 req/s limiter, into
 * the emulator (separate process, default 100 req/s). Timed on a sample and extrapolated to 1,000,000 rows.
 *
 *   pnpm --filter @cioscale/bench run importer:baseline [rows=800]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackClient } from 'customerio-node';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 800);

const emulator = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/emulator/src/cli.ts', '--port', '0', '--workspace', 'bench:bench-key', '--rate', '100', '--ledger', 'counters'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [chunk] = (await once(emulator.stdout, 'data')) as [Buffer];
const url = chunk.toString().split('\n')[0]!.trim();
const cio = new TrackClient('bench', 'bench-key', { url: `${url}/api/v1` });

// the seed's limiter: one request every 12.5 ms, at most 80 req/s, requests awaited one by one
const intervalMs = 1000 / 80;
const started = performance.now();
let next = started;
for (let i = 0; i < rows; i++) {
  const wait = next - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  next += intervalMs;
  await cio.identify(`user-${i}`, { email: `user${i}@example.com`, plan: 'pro', seats: i % 50 });
}
const seconds = (performance.now() - started) / 1000;
const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number };
const perSecond = rows / seconds;
console.log(`${rows} rows in ${seconds.toFixed(1)} s = ${perSecond.toFixed(1)} rows/s; requests ${stats.requests}, 429s ${stats.rateLimited}`);
console.log(`extrapolated to 1,000,000 rows: ${((1_000_000 / perSecond) / 3600).toFixed(2)} h (${Math.round(1_000_000 / perSecond).toLocaleString('en-US')} s), 1,000,000 requests`);
emulator.kill('SIGTERM');
