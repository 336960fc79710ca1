import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '@cioscale/emulator';
import { createProducer, type Producer, type ResolvedWorkspace } from '@cioscale/queue';
import { freshNamespace, startRedis, type TestRedis } from '@cioscale/test-support';
import { spawnWorker, type SpawnedWorker } from './spawnWorker.js';

/**
 * A Redis, an emulator, a fresh namespace and a producer for one test, plus the workers it spawns. The
 * functions are properties (not methods), so a test may destructure them.
 */
export interface Stack {
  readonly redis: TestRedis;
  readonly emulator: EmulatorHandle;
  readonly namespace: string;
  readonly producer: Producer;
  /** The env of a worker of this stack (default workspace `site:key`, 100 req/s), with `extra` on top. */
  readonly env: (extra?: Record<string, string>) => Record<string, string>;
  /** Spawns `count` workers and waits until they listen. */
  readonly start: (count: number, extra?: Record<string, string>) => Promise<SpawnedWorker[]>;
  /** Kills the workers still running and stops everything. */
  readonly close: () => Promise<void>;
}

export async function startStack(options: { emulator?: EmulatorOptions; workspaces?: readonly ResolvedWorkspace[]; persistent?: boolean } = {}): Promise<Stack> {
  const redis = await startRedis({ persistent: options.persistent ?? false });
  const emulator = await startEmulator({ workspaces: ['site:key'], rate: 100, ...options.emulator });
  const namespace = freshNamespace();
  const producer = createProducer({ redis: redis.url, namespace, ...(options.workspaces && { workspaces: options.workspaces }) });
  const workers: SpawnedWorker[] = [];
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    REDIS_URL: redis.url,
    CIO_QUEUE_NAMESPACE: namespace,
    CUSTOMERIO_SITE_ID: 'site',
    CUSTOMERIO_TRACK_API_KEY: 'key',
    CIO_TRACK_URL: emulator.url,
    CIO_RATE_LIMIT: '100',
    ...extra,
  });
  return {
    redis,
    emulator,
    namespace,
    producer,
    env,
    start: async (count, extra) => {
      const started = await Promise.all(Array.from({ length: count }, () => spawnWorker(env(extra))));
      workers.push(...started);
      return started;
    },
    close: async () => {
      for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited));
      await producer.close();
      await emulator.close();
      await redis.close();
    },
  };
}

/** `GET path` of a worker: status and body. */
export async function get(worker: SpawnedWorker, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${worker.port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one Prometheus sample, e.g. `metric(text, 'cioscale_operations_total', { status: 'delivered' })`. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
