/**
 * The seed-style worker the queue tier replaces: one job = one `TrackClient.identify` call through
 * customerio-node (default retries), behind a per-process Bottleneck limiter at 80 requests/s. Every
 * process has its own limiter, so N processes send up to N × 80/s whatever the workspace allows.
 * Env: REDIS_URL, BENCH_PREFIX, CIO_TRACK_URL, BENCH_SEED_RATE (default 80), BENCH_CONCURRENCY (default 50).
 */
import Bottleneck from 'bottleneck';
import { Worker, type Job } from 'bullmq';
import { TrackClient } from 'customerio-node';
import type { OperationJobData } from '@cioscale/queue';

const client = new TrackClient('site', 'key', { url: `${process.env['CIO_TRACK_URL'] ?? ''}/api/v1` });
const limiter = new Bottleneck({ minTime: 1000 / Number(process.env['BENCH_SEED_RATE'] ?? 80) });
const redisUrl = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port), maxRetriesPerRequest: null };

async function identifyOne(job: Job<OperationJobData>): Promise<void> {
  const operation = job.data.operation as { identifiers: { id: string }; attributes?: Record<string, unknown> };
  await limiter.schedule(() => client.identify(operation.identifiers.id, operation.attributes ?? {}));
}

const worker = new Worker<OperationJobData>('ops', identifyOne, {
  connection,
  prefix: process.env['BENCH_PREFIX'] ?? '{seed:default}',
  concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 50),
});
worker.on('error', (error) => process.stderr.write(`seed worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => void worker.close(true).then(() => process.exit(0)));
