/**
 * How long bare BullMQ takes to fill a worker's free slots before its first processor starts: it fetches them one
 * `moveToActive` round trip after another, and a job's lock counts down from its fetch (docs/operations-queue.md,
 * "Jobs sent twice because a lock ran out while the worker filled its slots"). A redis-server of its own on loopback.
 *
 *   pnpm --filter @cioscale/bench run bullmq-fill [slots, default 5000]
 */
import { loadavg } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { startRedis } from '@cioscale/test-support';

const slots = Number(process.argv[2] ?? 5000);
if (!Number.isInteger(slots) || slots < 1) throw new Error(`slots must be an integer ≥ 1; received ${process.argv[2]}`);
const server = await startRedis();
const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
const queue = new Queue('fill', { connection });
for (let i = 0; i < slots; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, slots - i) }, (_, k) => ({ name: 'job', data: { i: i + k } })));

const started = Date.now();
let firstProcessorAt = 0;
// every processor holds its job forever: only the fill is timed
const worker = new Worker('fill', () => {
  firstProcessorAt ||= Date.now();
  return new Promise(() => undefined);
}, { connection, concurrency: slots });
while (firstProcessorAt === 0) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(`fill of ${slots} slots before the first processor started: ${firstProcessorAt - started} ms; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
await worker.close(true);
await queue.close();
await server.close();
