/**
 * The worker image, run as the Deployment runs it (k8s/image/podman.ts) against a real redis-server
 * and the emulator:
 *   1. N operations enqueued, then cold start: `podman run` until /readyz answers 200;
 *   2. exactly N in the emulator's ledger, no duplicate; peak RSS from the worker's /metrics meanwhile;
 *   3. M more, SIGTERM while they flow → exit code 0, and delivered + still queued = N + M, none failed;
 *   4. a second container drains the rest → exactly N + M delivered, and exits 0 on SIGTERM too;
 * then the gateway image as k8s/gateway runs it (k8s/image/gateway-image.ts): /healthz and /readyz, 401 for
 * wrong credentials, a real identify answered 200 and in Redis, SIGTERM exit 0.
 * Usage: node --conditions=source --import tsx k8s/image/image-test.ts [worker image] [gateway image]
 * (defaults localhost/cioscale/worker:ci, localhost/cioscale/gateway:ci; `-` skips one);
 * IMAGE_TEST_OPERATIONS sets N and M (default 20000). Prints the figures docs/benchmarks.md quotes.
 */
import { DEFAULT_NAMESPACE } from '@cioscale/queue';
import { freePort } from '@cioscale/test-support';
import { checkGatewayImage } from './gateway-image.js';
import { API_KEY, SITE_ID, startHarness, status, waitFor, watchRss } from './harness.js';
import { cgroupPeakBytes, deploymentEnv, podman, runWorkerContainer, stopWithSigterm } from './podman.js';

const image = process.argv[2] ?? 'localhost/cioscale/worker:ci';
const gatewayImage = process.argv[3] ?? 'localhost/cioscale/gateway:ci';
const perPhase = Number(process.env['IMAGE_TEST_OPERATIONS'] ?? 20_000);
const log = (message: string): void => void process.stdout.write(`image-test: ${message}\n`);
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const harness = await startHarness(DEFAULT_NAMESPACE);
const env = deploymentEnv({
  REDIS_URL: harness.redisUrl,
  CIO_TRACK_URL: harness.emulator.url,
  CUSTOMERIO_SITE_ID: SITE_ID,
  CUSTOMERIO_TRACK_API_KEY: API_KEY,
  PORT: String(harness.workerPort),
});
const url = (path: string): string => `http://127.0.0.1:${harness.workerPort}${path}`;
const containers: string[] = [];
let failed = false;

async function start(name: string): Promise<number> {
  const startedAt = Date.now();
  containers.push(await runWorkerContainer(image, name, env));
  await waitFor(`${name} /readyz 200`, async () => (await status(url('/readyz'))) === 200, 30_000, 20);
  return Date.now() - startedAt;
}

async function queued(): Promise<{ pending: number; failed: number }> {
  const counts = await Promise.all([...harness.producer.queues.values()].flat().map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed')));
  const total = (state: string): number => counts.reduce((sum, count) => sum + (count[state] ?? 0), 0);
  return { pending: total('waiting') + total('active') + total('delayed') + total('prioritized'), failed: total('failed') };
}

try {
  if (image !== '-') await testWorkerImage();
  // after the worker's: nothing drains the queue then, so the identify the gateway accepts stays there to be read
  if (gatewayImage !== '-') await checkGatewayImage(gatewayImage, harness, await freePort(), log);
  log('ok');
} catch (error) {
  failed = true;
  log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  for (const name of containers) log(`logs of ${name}:\n${await podman('logs', name).catch(() => '(none)')}`);
} finally {
  for (const name of containers) await podman('rm', '--force', name).catch(() => undefined);
  await harness.close();
}
process.exit(failed ? 1 : 0);

async function testWorkerImage(): Promise<void> {
  const size = Number(await podman('image', 'inspect', '--format', '{{.Size}}', image));
  log(`image ${image}: ${(size / 1e6).toFixed(0)} MB`);
  // A backlog before the worker starts, as in the queue benchmark: it holds WORKER_CONCURRENCY jobs at once.
  await harness.enqueue(0, perPhase);
  const first = `cioscale-image-test-${process.pid}-a`;
  const rss = watchRss(url('/metrics'));
  const loadStartedAt = Date.now();
  log(`cold start to /readyz 200 (with ${perPhase} operations waiting): ${await start(first)} ms`);
  await waitFor(`${perPhase} operations in the ledger`, () => harness.delivered() >= perPhase, 180_000);
  const seconds = (Date.now() - loadStartedAt) / 1000;
  rss.stop();
  const stats = harness.emulator.stats(SITE_ID);
  check(stats.acceptedOperations === perPhase, `ledger holds ${stats.acceptedOperations} operations, expected ${perPhase}`);
  check(stats.duplicateEvents === 0, `${stats.duplicateEvents} duplicate events`);
  const cgroupPeak = await cgroupPeakBytes(first);
  log(
    `delivered ${perPhase} operations in ${seconds.toFixed(1)} s (${Math.round(perPhase / seconds)} ops/s, ${stats.requests} requests); ` +
      `peak RSS ${mib(rss.peak())} (sampled every 200 ms), cgroup peak ${cgroupPeak === undefined ? 'unreadable' : mib(cgroupPeak)} (RSS + page cache)`,
  );

  const total = perPhase * 2;
  await harness.enqueue(perPhase, perPhase);
  await waitFor('deliveries of the second batch to start', () => harness.delivered() >= perPhase + perPhase / 10, 60_000, 5);
  const code = await stopWithSigterm(first);
  const afterStop = harness.delivered();
  const left = await queued();
  log(`SIGTERM while delivering: exit ${code}; ${afterStop} delivered, ${left.pending} still queued, ${left.failed} failed`);
  check(code === 0, `the worker exited ${code} on SIGTERM, expected 0`);
  check(afterStop + left.pending === total && left.failed === 0, `lost operations: ${afterStop} delivered + ${left.pending} queued ≠ ${total} (${left.failed} failed)`);
  check(left.pending > 0, 'the queue drained before SIGTERM: raise IMAGE_TEST_OPERATIONS so the drain is exercised');

  await start(`cioscale-image-test-${process.pid}-b`);
  await waitFor(`all ${total} operations in the ledger`, async () => harness.delivered() >= total && (await queued()).pending === 0, 180_000);
  const final = harness.emulator.stats(SITE_ID);
  check(final.acceptedOperations === total && final.duplicateEvents === 0, `ledger holds ${final.acceptedOperations} (${final.duplicateEvents} duplicates), expected ${total}`);
  const secondCode = await stopWithSigterm(containers[1]!);
  check(secondCode === 0, `the second worker exited ${secondCode} on SIGTERM, expected 0`);
  log(`a second worker delivered the rest: ${final.acceptedOperations} of ${total} in the ledger, no duplicate; exit ${secondCode} on SIGTERM`);
}
