/**
 * Throughput of the emulator, so it is never the bottleneck of another benchmark or a k6 run:
 * small requests/s (v1 identify) and operations/s ingested through ~480 KB v2 batches, rate
 * limiting off, for both ledgers. The emulator runs in a child process and autocannon loads it
 * from this one, so the load client does not share the server's event loop.
 *
 * Each scenario runs `runs` times; the median and the best run are reported, with the load average,
 * because a 2-core machine shared with other work gives noisy single runs.
 *
 *   pnpm --filter @cioscale/bench run emulator [seconds per run, default 5] [runs, default 3]
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startEmulator } from '@cioscale/emulator';
import type { EmulatorStats, LedgerMode } from '@cioscale/emulator';

const SERVE = '--serve';
const WORKSPACE = { siteId: 'bench', apiKey: 'bench-key' };
const HEADERS = { authorization: `Basic ${Buffer.from(`${WORKSPACE.siteId}:${WORKSPACE.apiKey}`).toString('base64')}`, 'content-type': 'application/json' };
/** Batches are filled to this size, the cap Segment-style clients use: 500 KB minus padding. */
const BATCH_BYTES = 480 * 1024;
/** People the batches talk about; bounded so the full ledger's people map stays a fixed size. */
const PEOPLE = 10_000;
/** Event ids carry an 8-digit per-request stamp so each request's events are new, not duplicates. */
const STAMP = '~stamp~';
const STAMP_WIDTH = 8;
/** Concurrent keep-alive connections of the small-request scenario. */
const SMALL_CONNECTIONS = 32;
/** Concurrent connections sending batches: a few in flight, like a pipeline's sender. */
const BATCH_CONNECTIONS = 4;

type ServerMessage = { url: string } | ServerSample;

/** What the emulator process reports about itself. */
interface ServerSample {
  readonly rssMb: number;
  /** CPU time the emulator process has used, user + system, in µs. */
  readonly cpuMicros: number;
  readonly stats: EmulatorStats;
}

/** Child-process side: an emulator with rate limiting off, answering stats requests over IPC. */
async function serve(ledger: LedgerMode): Promise<void> {
  const emulator = await startEmulator({ port: 0, rate: 0, ledger, workspaces: [WORKSPACE] });
  process.on('message', () => {
    const cpu = process.cpuUsage();
    process.send?.({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), cpuMicros: cpu.user + cpu.system, stats: emulator.stats() } satisfies ServerMessage);
  });
  process.on('disconnect', () => void emulator.close());
  process.send?.({ url: emulator.url } satisfies ServerMessage);
}

/** One batch body cut around the stamp placeholder, plus the number of operations in it. */
function batchTemplate(): { parts: string[]; operations: number; bytes: number } {
  const operations: string[] = [];
  let bytes = '{"batch":[]}'.length;
  for (let index = 0; ; index++) {
    const id = `user-${index % PEOPLE}`;
    const operation =
      index % 2 === 0
        ? JSON.stringify({ type: 'person', action: 'identify', identifiers: { id }, attributes: { email: `${id}@example.com`, plan: index % 3 === 0 ? 'pro' : 'free', seats: index % 50, country: 'FR' } })
        : JSON.stringify({ type: 'person', action: 'event', identifiers: { id }, name: 'purchase', id: `${STAMP}-${index}`, attributes: { price: 23.45, sku: `sku-${index % 977}` } });
    const grown = bytes + operation.length + (index === 0 ? 0 : 1) + (operation.includes(STAMP) ? STAMP_WIDTH - STAMP.length : 0);
    if (grown > BATCH_BYTES) break;
    operations.push(operation);
    bytes = grown;
  }
  return { parts: `{"batch":[${operations.join(',')}]}`.split(STAMP), operations: operations.length, bytes };
}

async function serverStats(child: ChildProcess): Promise<ServerSample> {
  const reply = once(child, 'message');
  child.send('stats');
  const [message] = (await reply) as [ServerMessage];
  if ('url' in message) throw new Error('unexpected message from the emulator');
  return message;
}

function check(label: string, result: autocannon.Result): void {
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${label}: ${result.errors} connection errors, ${result.non2xx} non-2xx answers`);
}

interface Run {
  readonly perSecond: number;
  readonly p99Ms: number;
  /** Requests (or operations) per second of emulator CPU time: its capacity with a whole core. */
  readonly perCpuSecond: number;
}

interface LedgerFigures {
  readonly ledger: LedgerMode;
  readonly small: Run[];
  readonly batches: Run[];
  readonly operations: Run[];
  readonly rssMb: number;
}

async function measure(ledger: LedgerMode, seconds: number, runs: number): Promise<LedgerFigures> {
  const child = fork(fileURLToPath(import.meta.url), [SERVE, ledger], { execArgv: process.execArgv, stdio: 'inherit' });
  const [ready] = (await once(child, 'message')) as [ServerMessage];
  if (!('url' in ready)) throw new Error('the emulator did not report its URL');
  const figures: LedgerFigures = { ledger, small: [], batches: [], operations: [], rssMb: 0 };
  const { parts } = batchTemplate();
  let sent = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const beforeSmall = await serverStats(child);
      const small = await autocannon({ url: `${ready.url}/api/v1/customers/42`, method: 'PUT', headers: HEADERS, body: '{"plan":"pro","seats":3}', connections: SMALL_CONNECTIONS, duration: seconds });
      check('small requests', small);
      const afterSmall = await serverStats(child);
      const smallRequests = afterSmall.stats.requests - beforeSmall.stats.requests;
      figures.small.push({ perSecond: small.requests.average, p99Ms: small.latency.p99, perCpuSecond: smallRequests / ((afterSmall.cpuMicros - beforeSmall.cpuMicros) / 1e6) });

      const before = await serverStats(child);
      const batches = await autocannon({
        url: ready.url,
        connections: BATCH_CONNECTIONS,
        duration: seconds,
        // autocannon only honours setupRequest per entry of `requests`.
        requests: [{ method: 'POST', path: '/api/v2/batch', headers: HEADERS, setupRequest: (req) => ({ ...req, body: parts.join(String(sent++ % 10 ** STAMP_WIDTH).padStart(STAMP_WIDTH, '0')) }) }],
      });
      check('batches', batches);
      const after = await serverStats(child);
      const rejected = after.stats.rejectedOperations - before.stats.rejectedOperations;
      if (rejected > 0) throw new Error(`the emulator refused ${rejected} benchmark operations`);
      const cpuSeconds = (after.cpuMicros - before.cpuMicros) / 1e6;
      // Counted by the emulator itself, not inferred from the client's request count.
      const accepted = after.stats.acceptedOperations - before.stats.acceptedOperations;
      figures.batches.push({ perSecond: batches.requests.average, p99Ms: batches.latency.p99, perCpuSecond: (after.stats.requests - before.stats.requests) / cpuSeconds });
      figures.operations.push({ perSecond: accepted / batches.duration, p99Ms: batches.latency.p99, perCpuSecond: accepted / cpuSeconds });
      Object.assign(figures, { rssMb: after.rssMb });
    }
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
  return figures;
}

const number = (value: number): string => Math.round(value).toLocaleString('en-US');
const sorted = (runs: Run[]): Run[] => [...runs].sort((a, b) => a.perSecond - b.perSecond);
const median = (runs: Run[]): Run => sorted(runs)[Math.floor((runs.length - 1) / 2)] as Run;
const best = (runs: Run[]): Run => sorted(runs)[runs.length - 1] as Run;

async function main(seconds: number, runs: number): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const rows: LedgerFigures[] = [];
  for (const ledger of ['counters', 'full'] as const) rows.push(await measure(ledger, seconds, runs));
  const loadAfter = loadavg()[0] ?? 0;
  const { operations, bytes } = batchTemplate();
  console.log(
    `\nNode ${process.version}; ${runs} runs of ${seconds} s per scenario; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.` +
      `\nBatches of ${number(bytes)} bytes holding ${number(operations)} operations (half identify with 4 attributes, half events with an id).\n`,
  );
  console.log(
    '| ledger | small requests/s, median (best) | p99 ms | per emulator CPU-s | batches/s, median | operations/s, median (best) | batch p99 ms | per emulator CPU-s | emulator RSS at end |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const small = median(row.small);
    const operationsRun = median(row.operations);
    const batchesRun = median(row.batches);
    console.log(
      `| ${row.ledger} | ${number(small.perSecond)} (${number(best(row.small).perSecond)}) | ${small.p99Ms} | ${number(small.perCpuSecond)} | ${batchesRun.perSecond.toFixed(1)} | ` +
        `${number(operationsRun.perSecond)} (${number(best(row.operations).perSecond)}) | ${batchesRun.p99Ms} | ${number(operationsRun.perCpuSecond)} | ${row.rssMb} MB |`,
    );
  }
  console.log(`\nSmall requests: PUT /api/v1/customers/42 over ${SMALL_CONNECTIONS} keep-alive connections; batches: POST /api/v2/batch over ${BATCH_CONNECTIONS}.`);
}

if (process.argv[2] === SERVE) await serve(process.argv[3] as LedgerMode);
else await main(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 3));
