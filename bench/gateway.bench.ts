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
 *   pnpm --filter @cioscale/bench run gateway [seconds per run, default 8] [connections, default 32]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startEmulator } from '@cioscale/emulator';
import { freePort, freshNamespace, waitForPing } from '@cioscale/test-support';

const SITE = { siteId: 'bench', apiKey: 'bench-key' };
const HEADERS = { authorization: `Basic ${Buffer.from(`${SITE.siteId}:${SITE.apiKey}`).toString('base64')}`, 'content-type': 'application/json' };
const IDENTIFY = JSON.stringify({ email: 'ada@example.com', plan: 'pro', first_name: 'Ada', created_at: 1_700_000_000 });
const TRACK = JSON.stringify({ name: 'purchased', data: { amount_cents: 1999, currency: 'USD', sku: 'bench-1' } });
const gatewayMain = fileURLToPath(new URL('../apps/gateway/src/main.ts', import.meta.url));

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

/** CPU time a process has used so far (user + system), ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** A redis-server of the benchmark's own with AOF on (everysec), so its CPU can be read. */
async function redisServer(): Promise<{ url: string; pid: number; close: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cio-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--appendfsync', 'everysec'], { stdio: 'ignore' });
  await waitForPing(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    close: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function forked(name: string, flag: string): Promise<Target> {
  const child = fork(fileURLToPath(import.meta.url), [flag], { execArgv: ['--conditions=source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { name, url: message.url, child };
}

async function gateway(redisUrl: string, redisPid: number): Promise<Target> {
  const env = { PATH: process.env['PATH'] ?? '', REDIS_URL: redisUrl, CIO_QUEUE_NAMESPACE: freshNamespace(), CUSTOMERIO_SITE_ID: SITE.siteId, CUSTOMERIO_TRACK_API_KEY: SITE.apiKey, PORT: '0', GATEWAY_MAX_BACKLOG: '100000000' };
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', gatewayMain], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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
  return { name: 'gateway', url: `http://127.0.0.1:${port}`, child, helpers: [{ name: 'redis-server', pid: redisPid }] };
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

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const connections = Number(process.argv[3] ?? 32);
  const redis = await redisServer();
  const targets = [await forked('bare node:http (ceiling)', '--bare'), await gateway(redis.url, redis.pid), await forked('emulator', '--emulator')];
  const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' ');
  try {
    const full = new Map<string, Measured>();
    for (const target of targets) {
      await load(target, 2, connections);
      full.set(target.name, await load(target, seconds, connections));
    }
    const gatewayRate = full.get('gateway')!.perSecond;
    const half = new Map<string, Measured>();
    for (const target of targets) half.set(target.name, await load(target, seconds, connections, Math.max(1, Math.round(gatewayRate / 2))));
    const ceiling = full.get('bare node:http (ceiling)')!.perSecond;
    const row = (name: string): string => {
      const f = full.get(name)!;
      const h = half.get(name)!;
      const cpu = f.cpuPerThousand.map((ms) => ms.toFixed(0)).join(' + ');
      return `| ${name} | ${Math.round(f.perSecond).toLocaleString('en-US')} | ${((f.perSecond / ceiling) * 100).toFixed(0)} % | ${f.p50} / ${f.p99} | ${f.refused} | ${h.p99} | ${cpu} | ${f.load} |`;
    };
    process.stdout.write(
      [
        `gateway benchmark: ${seconds} s per run, ${connections} connections, identify + track alternating; load average before ${loadBefore}`,
        '',
        `| target | accepted calls/s | of ceiling | p50 / p99 at full speed, ms | not accepted | p99 at ${Math.round(gatewayRate / 2).toLocaleString('en-US')} calls/s (half the gateway's), ms | CPU ms per 1,000 calls (server + redis-server) | load average after |`,
        '|---|---|---|---|---|---|---|---|',
        ...targets.map((target) => row(target.name)),
        '',
        `gateway: ${((gatewayRate / ceiling) * 100).toFixed(0)} % of the ceiling (target ≥ 50 %), p99 ${half.get('gateway')!.p99} ms at half its accepted rate (target ≤ 20 ms)`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const target of targets) target.child.kill('SIGTERM');
    redis.close();
  }
}

if (process.argv.includes('--bare')) serveBare();
else if (process.argv.includes('--emulator')) void serveEmulator();
else await main();
