import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startChild } from '@cioscale/test-support';
import { Redis } from 'ioredis';

/** The Redis the demo uses. */
export interface DemoRedis {
  readonly url: string;
  /** True when the demo started this redis-server (and stops it). */
  readonly owned: boolean;
  readonly pid?: number;
  stop(): Promise<void>;
}

/**
 * `REDIS_URL` when set; otherwise a throw-away `redis-server` on a free port (no persistence, its own
 * temporary directory). Never the machine's 6379 unless `REDIS_URL` says so.
 *
 * @throws {Error} when neither is available, saying how to get one
 */
export async function demoRedis(env: NodeJS.ProcessEnv, logDir: string): Promise<DemoRedis> {
  const url = env['REDIS_URL']?.trim();
  if (url) return { url, owned: false, stop: async () => undefined };
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('no Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379) or install redis-server (apt-get install redis-server, brew install redis)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cioscale-demo-redis-'));
  const server = startChild('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    env,
    cwd: dir,
    logFile: join(logDir, 'redis.log'),
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(port, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, owned: true, ...(server.child.pid !== undefined && { pid: server.child.pid }), stop };
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // one attempt per client, no retries of its own: this loop is the retry
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    const answer = await client.connect().then(() => client.ping(), () => '');
    client.disconnect();
    if (answer === 'PONG') return;
    if (Date.now() > until) throw new Error(`the demo's redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
