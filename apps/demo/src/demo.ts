/**
 * `pnpm demo`: the whole system live in one command — a Redis (REDIS_URL, or a redis-server it starts),
 * an emulated Track API, two workers, a load generator in waves, and the monitor. Ctrl-C (or `q`) stops
 * everything it started. `--no-tui --duration s` runs without the screen and prints one `--once --json`
 * reading at the end (for scripts and the smoke test). Each app runs as its own process, from the entry
 * point its package provides: the demo uses them as a person would, never their internals.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@cioscale/emulator';
import { Command, InvalidArgumentError } from 'commander';
import { Cleanup } from './cleanup.js';
import { enqueueRejects, startLoadWaves, startWorker } from './fleet.js';
import { readMonitor, runMonitorScreen, type MonitorTarget } from './monitor.js';
import { demoRedis } from './redis.js';

const positive = (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('a number > 0');
  return value;
};
const argv = process.argv[2] === '--' ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv;
const options = new Command('cioscale-demo')
  .description('Start Redis (or use REDIS_URL), an emulated Track API, two workers, a load generator and the monitor.')
  .option('--duration <s>', 'stop by itself after this many seconds', positive)
  .option('--no-tui', 'no screen: log what starts, then print one JSON reading at the end')
  .option('--rate <ops/s>', 'load generator rate during a wave', positive, 3_000)
  .option('--workers <n>', 'workers to start', positive, 2)
  .option('--logs <dir>', 'directory for the children\'s logs (default: a new temporary directory)')
  .parse(argv)
  .opts<{ duration?: number; tui: boolean; rate: number; workers: number; logs?: string }>();

const cwd = process.cwd();
const logDir = options.logs ?? mkdtempSync(join(tmpdir(), 'cioscale-demo-'));
const log = (message: string): void => void process.stderr.write(`demo: ${message}\n`);
const cleanup = new Cleanup();
const stopOn = (signal: NodeJS.Signals, code: number): void =>
  void process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanup.run().then(() => process.exit(code));
  });
stopOn('SIGINT', 130);
stopOn('SIGTERM', 143);

let code = 0;
try {
  const redis = await demoRedis(process.env, logDir);
  cleanup.add(() => redis.stop());
  // on someone else's Redis, a namespace of our own: the demo never touches their queues or budgets
  const namespace = redis.owned ? 'cio' : `demo${randomBytes(3).toString('hex')}`;
  log(`redis ${redis.owned ? `started (pid ${redis.pid})` : 'from REDIS_URL'}, namespace ${namespace}`);
  // the emulator allows a little more than the fleet's budget of 100 req/s: with a backlog, `+` past 110 shows 429s
  const emulator = await startEmulator({ workspaces: ['demo-site:demo-key'], rate: 110, burst: 20, ledger: 'counters' });
  cleanup.add(() => emulator.close());
  log(`emulated Track API at ${emulator.url} (110 req/s)`);
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    CIO_QUEUE_NAMESPACE: namespace,
    CUSTOMERIO_SITE_ID: 'demo-site',
    CUSTOMERIO_TRACK_API_KEY: 'demo-key',
    CIO_TRACK_URL: emulator.url,
    CIO_RATE_LIMIT: '100',
    // small batches, so the request budget (not the batch size) is what limits throughput, as in a real backfill
    CIO_BATCH_MAX_OPERATIONS: '25',
    WORKER_DRAIN_TIMEOUT_MS: '2000',
    PORT: '0',
  };
  const settings = { cwd, logDir, env };
  const workers = Array.from({ length: options.workers }, (_, index) => startWorker(settings, index + 1));
  cleanup.add(async () => void (await Promise.all(workers.map((worker) => worker.stop()))));
  for (const worker of workers) log(`${worker.name} pid ${worker.child.pid}`);
  await enqueueRejects(redis.url, namespace);
  const load = startLoadWaves(settings, { rate: options.rate, onSeconds: 40, offSeconds: 15 });
  cleanup.add(() => load.stop());
  log(`loadgen pid ${load.current()?.child.pid}: ${options.rate} ops/s for 40 s, 15 s quiet, again; logs in ${logDir}`);
  const monitor: MonitorTarget = { env, cwd, workspace: 'default' };
  // aborting stops the monitor the demo runs at that moment (its screen, or a reading being taken)
  const stopMonitor = new AbortController();
  cleanup.add(() => stopMonitor.abort());
  if (options.tui) {
    const signals = [stopMonitor.signal, ...(options.duration === undefined ? [] : [AbortSignal.timeout(options.duration * 1000)])];
    await runMonitorScreen(monitor, AbortSignal.any(signals));
  } else {
    // the clock starts once every worker reports, so a slow machine still gets a full run
    await fleetReady(monitor, options.workers, 90_000, stopMonitor.signal);
    log('every worker reports; running');
    await new Promise((resolve) => setTimeout(resolve, (options.duration ?? 30) * 1000));
    process.stdout.write((await readMonitor(monitor, 1_000, stopMonitor.signal)).json);
  }
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  code = 1;
}
await cleanup.run();
log(`stopped; logs in ${logDir}`);
process.exit(code);

async function fleetReady(monitor: MonitorTarget, workers: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reading = await readMonitor(monitor, 100, signal);
    if (reportingWorkers(reading.json) >= workers) return;
    if (Date.now() > until) throw new Error(`the workers did not report within ${timeoutMs / 1000} s; see their logs in ${logDir}${reading.stderr ? `; the monitor said: ${reading.stderr.trim()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** How many workers a `--once --json` reading lists (0 for no reading, e.g. while Redis is still starting). */
function reportingWorkers(json: string): number {
  try {
    const view = JSON.parse(json) as { workers?: unknown };
    return Array.isArray(view.workers) ? view.workers.length : 0;
  } catch {
    return 0;
  }
}
