/**
 * `pnpm run loadgen -- --rate N --duration S`: enqueues synthetic operations at a steady rate, for demos
 * and soak tests. Reads REDIS_URL / REDIS_CLUSTER_NODES and CIO_QUEUE_NAMESPACE like the worker.
 */
import { randomBytes } from 'node:crypto';
import { identify, track } from '@cioscale/core';
import { createProducer, redisTargetFromEnv } from '@cioscale/queue';
import { Command, InvalidArgumentError } from 'commander';
import { cliArgv } from './argv.js';

const positive = (value: string): number => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('a number > 0');
  return number;
};
const options = new Command('loadgen')
  .description('Enqueue synthetic operations (4 events : 1 identify) at a steady rate.')
  .option('-r, --rate <ops/s>', 'operations per second', positive, 1_000)
  .option('-d, --duration <s>', 'seconds to run', positive, 10)
  .option('-p, --people <n>', 'distinct people', positive, 10_000)
  .option('-w, --workspace <name>', 'workspace', 'default')
  .parse(cliArgv())
  .opts<{ rate: number; duration: number; people: number; workspace: string }>();

const producer = createProducer({ redis: redisTargetFromEnv(), namespace: process.env['CIO_QUEUE_NAMESPACE']?.trim() || 'cio' });
const run = randomBytes(3).toString('hex');
const tickMs = 100;
const startedAt = Date.now();
let sent = 0;
try {
  while (Date.now() - startedAt < options.duration * 1000) {
    // enqueue what the schedule owes so far, in one addBulk per tick
    const due = Math.floor(((Date.now() - startedAt) / 1000) * options.rate) - sent;
    if (due > 0) {
      const batch = Array.from({ length: due }, (_, index) => {
        const n = sent + index;
        const person = `load-${n % options.people}`;
        const operation = n % 5 === 0 ? identify(person, { plan: n % 2 ? 'pro' : 'free', seen: n }) : track(person, 'load_event', { n, run });
        return { operation, workspace: options.workspace };
      });
      await producer.enqueueMany(batch);
      sent += due;
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  process.stdout.write(`enqueued ${sent} operations in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
} catch (error) {
  process.stderr.write(`loadgen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await producer.close();
}
