/**
 * Helpers of the queue benchmark: child processes, a paused pre-filled queue, the emulator's request rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorHandle } from '@cioscale/emulator';
import { createProducer, type OperationJobData, type Producer } from '@cioscale/queue';
import { identify } from '@cioscale/core';
import type { Queue } from 'bullmq';

/** Runs a TypeScript entry (relative to bench/) with `env`; resolves once it printed `ready`. */
export async function startChild(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the workers
  const nodeArgs = process.env['BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=source', '--import', 'tsx', path], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (ready.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${text}`)));
  });
  return child;
}

/** Stops children (SIGTERM, SIGKILL after 10 s) and waits for them to exit. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null) return undefined;
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      return new Promise((resolve) => {
        child.once('exit', () => resolve(clearTimeout(kill)));
        child.kill('SIGTERM');
      });
    }),
  );
}

/** A producer on `namespace` whose queue is paused and holds `count` identify operations. */
export async function pausedQueue(redisUrl: string, namespace: string, count: number): Promise<{ producer: Producer; queue: Queue<OperationJobData> }> {
  // completed jobs are kept so their timestamps can be read back
  const producer = createProducer({ redis: redisUrl, namespace, jobs: { keepCompleted: { age: 3_600, count: 1_000_000 } } });
  for (let index = 0; index < count; index += 1_000) {
    await producer.enqueueMany(Array.from({ length: Math.min(1_000, count - index) }, (_, offset) => ops(index + offset)));
  }
  // workers start one by one: none may begin before the last is ready
  const queue = producer.queues.get('default')![0]!;
  await queue.pause();
  return { producer, queue };
}

/** The n-th benchmark operation: an identify of one of 1,000 people. */
export function ops(n: number) {
  return identify(`p${n % 1_000}`, { plan: n % 2 ? 'pro' : 'free', n });
}

/** Samples the emulator's request counter every 100 ms; `peak()` is the most requests seen in any 1 s. */
export function requestSampler(emulator: EmulatorHandle): { stop(): { peakPerSecond: number } } {
  const samples: [number, number][] = [];
  const timer = setInterval(() => samples.push([performance.now(), emulator.stats().requests]), 100);
  return {
    stop() {
      clearInterval(timer);
      let peakPerSecond = 0;
      for (let start = 0, end = 0; end < samples.length; end++) {
        while ((samples[end]![0] - samples[start]![0]) > 1_000) start++;
        peakPerSecond = Math.max(peakPerSecond, samples[end]![1] - samples[start]![1]);
      }
      return { peakPerSecond };
    },
  };
}

/** Waits until `check()` is true, polling every 50 ms. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`benchmark step timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The q-quantile of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
