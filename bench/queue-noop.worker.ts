/**
 * The ceiling of the queue benchmark: a BullMQ worker whose processor does nothing, in its own process like
 * a real worker. Env: REDIS_URL, BENCH_PREFIX (e.g. `{noop1:default}`), BENCH_CONCURRENCY (default 500).
 */
import { Worker } from 'bullmq';

const redisUrl = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port), maxRetriesPerRequest: null };
const worker = new Worker('ops', async () => undefined, {
  connection,
  prefix: process.env['BENCH_PREFIX'] ?? '{noop:default}',
  concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 500),
});
worker.on('error', (error) => process.stderr.write(`noop worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
