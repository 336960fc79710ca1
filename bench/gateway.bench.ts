/**
 * Calls/s and latency of one gateway process (apps/gateway) on this machine, side by side in the same
 * run with its ceiling — a bare node:http server that reads the body, parses the same JSON and answers
 * 200 `{}` — and with the emulator answering the same calls. Each server runs in its own process; the load
 * (autocannon, keep-alive connections, identify + track per pair of calls, as customerio-node sends
 * them) comes from this one. Every target gets: a warm-up, a run at full speed (accepted calls/s, p99),
 * then a run offered half of the gateway's accepted rate (p99 there). Targets (issue #15): gateway ≥ 50 %
 * of the ceiling, p99 ≤ 20 ms at half the accepted rate. The gateway's Redis is a redis-server of its own
 * with AOF on (`appendfsync everysec`), no worker draining it.
 *
 *   pnpm --filter @cioscale/bench run gateway [seconds per run, default 8] [connections, default 32] [rounds, default 1]
 *
 * The gateway measured is the built one (`node apps/gateway/dist/main.js`, built first with turbo), as the image
 * runs it; `GATEWAY_BENCH_BUILT=0` runs its sources through tsx instead, `GATEWAY_BENCH_TSX=1` adds that beside it.
 *
 * Rounds interleave the targets (ceiling, gateway, …, ceiling, gateway, …) and report each one's median, so a
 * change in the machine's load hits every target alike. Environment:
 * - `GATEWAY_BENCH_BEFORE=/work/main`: also runs the gateway of that checkout (its own sources and packages)
 *   as "gateway before", against the same Redis, for a before/after in one run: its built `dist/main.js` when
 *   it has one (build it there first: `pnpm turbo run build --filter @cioscale/gateway...`), else its sources through tsx.
 * - `GATEWAY_BENCH_CPU_PROF=<dir>`: the gateways run with `node --cpu-prof` into that directory (written when
 *   they exit at the end of the run; one file per thread, the largest is the main thread's, the pid is in
 *   the name and in the table's target line).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startEmulator } from '@cioscale/emulator';
import { freshNamespace } from '@cioscale/test-support';
import { cpuMs, redisServer } from './benchRedis.js';

const SITE = { siteId: 'bench', apiKey: 'bench-key' };
const HEADERS = { authorization: `Basic ${Buffer.from(`${SITE.siteId}:${SITE.apiKey}`).toString('base64')}`, 'content-type': 'application/json' };
const IDENTIFY = JSON.stringify({ email: 'ada@example.com', plan: 'pro', first_name: 'Ada', created_at: 1_700_000_000 });
const TRACK = JSON.stringify({ name: 'purchased', data: { amount_cents: 1999, currency: 'USD', sku: 'bench-1' } });
const gatewayMain = fileURLToPath(new URL('../apps/gateway/src/main.ts', import.meta.url));
// what the image runs (`node dist/main.js`): tsx's transform wraps every named closure in a `__name` call and
// resolves the workspace packages to their sources, so a gateway under tsx is not the one users run
const gatewayBuilt = fileURLToPath(new URL('../apps/gateway/dist/main.js', import.meta.url));
const built = process.env['GATEWAY_BENCH_BUILT'] !== '0';

/** Child side of `--bare`: the ceiling — read, parse, answer 200, nothing else. */
function serveBare(): void {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' }).end('{}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
}

/** Child side of `--emulator`: rate limiting off, the counters ledger (no people kept). */
async function serveEmulator(): Promise<void> {
  const emulator = await startEmulator({ port: 0, rate: 0, ledger: 'counters', workspaces: [SITE] });
  process.send?.({ url: emulator.url });
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Other processes that serve its calls (the gateway's redis-server), whose CPU counts too. */
  readonly helpers?: readonly { readonly name: string; readonly pid: number }[];
}

async function forked(name: string, flag: string): Promise<Target> {
  const child = fork(fileURLToPath(import.meta.url), [flag], { execArgv: ['--conditions=source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { name, url: message.url, child };
}

async function gateway(name: string, main: string, redisUrl: string, redisPid: number): Promise<Target> {
  const profile = process.env['GATEWAY_BENCH_CPU_PROF'];
  const env = { PATH: process.env['PATH'] ?? '', REDIS_URL: redisUrl, CIO_QUEUE_NAMESPACE: freshNamespace(), CUSTOMERIO_SITE_ID: SITE.siteId, CUSTOMERIO_TRACK_API_KEY: SITE.apiKey, PORT: '0', GATEWAY_MAX_BACKLOG: '100000000' };
  const viaTsx = main.endsWith('.ts');
  const execArgv = [...(viaTsx ? ['--conditions=source', '--import', 'tsx'] : []), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])];
  const child = spawn(process.execPath, [...execArgv, main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on :(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${text}`)));
  });
  child.stdout?.resume();
  return { name, url: `http://127.0.0.1:${port}`, child, helpers: [{ name: 'redis-server', pid: redisPid }] };
}

interface Measured {
  readonly accepted: number;
  readonly refused: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly load: string;
  /** CPU per 1,000 accepted calls, ms: the server process, then each helper. */
  readonly cpuPerThousand: readonly number[];
}

async function load(target: Target, seconds: number, connections: number, overallRate?: number): Promise<Measured> {
  const pids = [target.child.pid!, ...(target.helpers ?? []).map((helper) => helper.pid)];
  const cpuBefore = pids.map(cpuMs);
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    headers: HEADERS,
    ...(overallRate !== undefined && { overallRate }),
    requests: [
      { method: 'PUT', path: '/api/v1/customers/bench-1', body: IDENTIFY },
      { method: 'POST', path: '/api/v1/customers/bench-1/events', body: TRACK },
    ],
  });
  const accepted = result['2xx'];
  const cpuPerThousand = pids.map((pid, index) => ((cpuMs(pid) - cpuBefore[index]!) / Math.max(1, accepted)) * 1000);
  return { accepted, refused: result.non2xx + result.errors + result.timeouts, perSecond: accepted / seconds, p50: result.latency.p50, p99: result.latency.p99, load: loadavg().map((value) => value.toFixed(2)).join(' '), cpuPerThousand };
}

/** The run with the median rate among the rounds (the upper one of two); its p99 and CPU stand with it. */
function median(runs: readonly Measured[]): Measured {
  return [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)] as Measured;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const connections = Number(process.argv[3] ?? 32);
  const rounds = Number(process.argv[4] ?? 1);
  const before = process.env['GATEWAY_BENCH_BEFORE'];
  const redis = await redisServer();
  const targets = [await forked('bare node:http (ceiling)', '--bare')];
  // the other checkout's built gateway when it has one (build it there first), as this one's is measured built
  if (before) targets.push(await gateway('gateway before', beforeMain(before), redis.url, redis.pid));
  if (built) {
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@cioscale/gateway...', '--output-logs=errors-only'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
    targets.push(await gateway('gateway', gatewayBuilt, redis.url, redis.pid));
    if (process.env['GATEWAY_BENCH_TSX'] === '1') targets.push(await gateway('gateway through tsx', gatewayMain, redis.url, redis.pid));
  } else targets.push(await gateway('gateway', gatewayMain, redis.url, redis.pid));
  targets.push(await forked('emulator', '--emulator'));
  const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' ');
  try {
    for (const target of targets) await load(target, 2, connections);
    const fullRuns = new Map<string, Measured[]>(targets.map((target) => [target.name, []]));
    for (let round = 0; round < rounds; round++) for (const target of targets) fullRuns.get(target.name)!.push(await load(target, seconds, connections));
    const full = new Map([...fullRuns].map(([name, runs]) => [name, median(runs)]));
    const gatewayRate = full.get('gateway')!.perSecond;
    const halfRuns = new Map<string, Measured[]>(targets.map((target) => [target.name, []]));
    for (let round = 0; round < rounds; round++) for (const target of targets) halfRuns.get(target.name)!.push(await load(target, seconds, connections, Math.max(1, Math.round(gatewayRate / 2))));
    const half = new Map([...halfRuns].map(([name, runs]) => [name, middleP99(runs)]));
    const ceiling = full.get('bare node:http (ceiling)')!.perSecond;
    const row = (name: string): string => {
      const f = full.get(name)!;
      const h = half.get(name)!;
      const cpu = f.cpuPerThousand.map((ms) => ms.toFixed(0)).join(' + ');
      const each = fullRuns.get(name)!.map((run) => Math.round(run.perSecond).toLocaleString('en-US')).join(', ');
      return `| ${name} | ${Math.round(f.perSecond).toLocaleString('en-US')}${rounds > 1 ? ` (${each})` : ''} | ${((f.perSecond / ceiling) * 100).toFixed(0)} % | ${f.p50} / ${f.p99} | ${f.refused} | ${h.p99} | ${cpu} | ${f.load} |`;
    };
    const ratioOf = (name: string): string => `${((full.get(name)!.perSecond / ceiling) * 100).toFixed(0)} %`;
    process.stdout.write(
      [
        `gateway benchmark: ${seconds} s per run, ${connections} connections, ${rounds} round(s) interleaved (median shown), identify + track alternating; load average before ${loadBefore}`,
        '',
        `| target | accepted calls/s | of ceiling | p50 / p99 at full speed, ms | not accepted | p99 at ${Math.round(gatewayRate / 2).toLocaleString('en-US')} calls/s (half the gateway's), ms | CPU ms per 1,000 calls (server + redis-server) | load average after |`,
        '|---|---|---|---|---|---|---|---|',
        ...targets.map((target) => row(target.name)),
        '',
        `gateway: ${ratioOf('gateway')} of the ceiling (target ≥ 50 %), p99 ${half.get('gateway')!.p99} ms at half its accepted rate (target ≤ 20 ms)${before ? `; before (${before}): ${ratioOf('gateway before')}, p99 ${half.get('gateway before')!.p99} ms` : ''}`,
        `load average at the end ${loadavg().map((value) => value.toFixed(2)).join(' ')}; pids: ${targets.map((target) => `${target.name} ${target.child.pid}`).join(', ')}, redis-server ${redis.pid}`,
        '',
      ].join('\n'),
    );
  } finally {
    // the gateways drain and exit on SIGTERM (and then write their CPU profile): wait for them before Redis goes
    const exits = targets.map((target) => (target.child.exitCode === null ? once(target.child, 'exit') : Promise.resolve()));
    for (const target of targets) target.child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    redis.close();
  }
}

/** The gateway of another checkout: its `dist/main.js` when built (like this checkout's), else its sources through tsx. */
function beforeMain(checkout: string): string {
  const builtMain = join(checkout, 'apps/gateway/dist/main.js');
  return built && existsSync(builtMain) ? builtMain : join(checkout, 'apps/gateway/src/main.ts');
}

/** The run with the median p99 among the rounds at half rate. */
function middleP99(runs: readonly Measured[]): Measured {
  return [...runs].sort((a, b) => a.p99 - b.p99)[Math.floor(runs.length / 2)] as Measured;
}

if (process.argv.includes('--bare')) serveBare();
else if (process.argv.includes('--emulator')) void serveEmulator();
else await main();
