/**
 * What a worker under test talks to: a real redis-server and a real emulator on loopback, a producer
 * applications would use, and readers of the worker's /readyz and /metrics.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { track } from '@cioscale/core';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { createProducer, type Producer } from '@cioscale/queue';
import { freePort, startRedis, type TestRedis } from '@cioscale/test-support';

const run = promisify(execFile);

export const SITE_ID = 'site';
export const API_KEY = 'key';

export interface Harness {
  readonly redis: TestRedis;
  /** The Redis password (`requirepass`), and its URL with it. */
  readonly password: string;
  readonly redisUrl: string;
  readonly emulator: EmulatorHandle;
  readonly producer: Producer;
  /** A free port for the worker's HTTP server. */
  readonly workerPort: number;
  /** Enqueues `count` distinct events (ids `from`…), in chunks of 1000. */
  enqueue(from: number, count: number): Promise<void>;
  /** Operations the emulator accepted. */
  delivered(): number;
  close(): Promise<void>;
}

export async function startHarness(namespace: string): Promise<Harness> {
  // A password, as in production: the worker must really send the one its Secret holds.
  const password = randomBytes(16).toString('hex');
  // set once it answers: the start-up check pings without a password
  const redis = await startRedis();
  await run('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'requirepass', password]);
  const redisUrl = `redis://:${password}@127.0.0.1:${redis.port}`;
  // No rate limit in the emulator: the worker's own Redis budget is what this run exercises.
  const emulator = await startEmulator({ workspaces: [`${SITE_ID}:${API_KEY}`], rate: 0 });
  const producer = createProducer({ redis: redisUrl, namespace });
  const workerPort = await freePort();
  return {
    redis,
    password,
    redisUrl,
    emulator,
    producer,
    workerPort,
    async enqueue(from, count) {
      for (let start = from; start < from + count; start += 1000) {
        const size = Math.min(1000, from + count - start);
        await producer.enqueueMany(Array.from({ length: size }, (_, index) => ({ operation: track(`person-${(start + index) % 5000}`, 'image_test', { n: start + index }) })));
      }
    },
    delivered: () => emulator.stats(SITE_ID).acceptedOperations,
    async close() {
      await producer.close();
      await emulator.close();
      await redis.close();
    },
  };
}

/** Polls `check` every `everyMs` until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The HTTP status of `url`, or 0 while nothing answers. */
export async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).status;
  } catch {
    return 0;
  }
}

/** The value of one unlabelled sample in a Prometheus text page, e.g. `process_resident_memory_bytes`. */
export function sample(page: string, name: string): number | undefined {
  const line = page.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Samples the worker's resident memory from /metrics until stopped; `peak()` is the largest seen. */
export function watchRss(metricsUrl: string, everyMs = 200): { peak(): number; stop(): void } {
  let peak = 0;
  const timer = setInterval(() => {
    fetch(metricsUrl, { signal: AbortSignal.timeout(1_000) })
      .then((response) => response.text())
      .then((page) => (peak = Math.max(peak, sample(page, 'process_resident_memory_bytes') ?? 0)))
      .catch(() => undefined);
  }, everyMs);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}
