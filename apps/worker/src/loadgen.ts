/**
 * `pnpm run loadgen -- --rate N --duration S`: enqueues synthetic operations at a steady rate, for demos
 * and soak tests. Reads REDIS_URL / REDIS_CLUSTER_NODES, CIO_QUEUE_NAMESPACE and CIO_WORKSPACES_FILE like the worker.
 * When Redis is unreachable (3 s at start) or stops answering (5 s a write), it exits 1 with one line saying
 * why and how many operations Redis had confirmed.
 */
import { randomBytes } from 'node:crypto';
import { identify, track } from '@cioscale/core';
import { createProducer, DEFAULT_NAMESPACE, describeRedisTarget, loadWorkspaces, redisTargetFromEnv } from '@cioscale/queue';
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
  .option('-w, --workspace <name>', 'workspace (default: the first of CIO_WORKSPACES_FILE, or `default`)')
  .parse(cliArgv())
  .opts<{ rate: number; duration: number; people: number; workspace?: string }>();

const file = process.env['CIO_WORKSPACES_FILE']?.trim();
const target = redisTargetFromEnv();
const producer = createProducer({ redis: target, connectTimeoutMs: 3_000, namespace: process.env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE, ...(file && { workspaces: loadWorkspaces(file) }) });
const run = randomBytes(3).toString('hex');
const tickMs = 100;
const total = Math.round(options.rate * options.duration);
const startedAt = Date.now();
let sent = 0;

/** Enqueues operations `sent` … `upTo - 1` in one addBulk. */
async function enqueueUpTo(upTo: number): Promise<void> {
  const due = Math.min(upTo, total) - sent;
  if (due <= 0) return;
  const batch = Array.from({ length: due }, (_, index) => {
    const n = sent + index;
    const person = `load-${n % options.people}`;
    const operation = n % 5 === 0 ? identify(person, { plan: n % 2 ? 'pro' : 'free', seen: n }) : track(person, 'load_event', { n, run });
    return { operation, ...(options.workspace !== undefined && { workspace: options.workspace }) };
  });
  await producer.enqueueMany(batch);
  sent += due;
}

try {
  // every tick, enqueue what the schedule owes so far; the last tick tops up to rate × duration
  while (Date.now() - startedAt < options.duration * 1000) {
    await enqueueUpTo(Math.floor(((Date.now() - startedAt) / 1000) * options.rate));
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await enqueueUpTo(total);
  process.stdout.write(`enqueued ${sent} operations in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`loadgen: ${reason} (redis ${describeRedisTarget(target)}); stopped after ${sent} of ${total} operations were enqueued\n`);
  process.exitCode = 1;
} finally {
  await producer.close();
}
