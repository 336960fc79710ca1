import { freePort, freshNamespace, startRedis, waitFor } from '@cioscale/test-support';
import { connectRedis, queueLocation, waitListKey } from '@cioscale/queue';
import { describe, expect, it } from 'vitest';
import { runWorkerScript } from './support/spawnWorker.js';

// the tools give up on Redis after 3 s; the margin is for a loaded machine
const FEW_SECONDS = 3_000 + 4_000;

/** How long the script takes to start and exit at once (`--help`): what a slow machine adds to any run. */
async function startupMs(script: string): Promise<number> {
  const startedAt = Date.now();
  const result = await runWorkerScript({}, { script, args: ['--help'] });
  expect(result.code, result.stderr).toBe(0);
  return Date.now() - startedAt;
}

describe('dlq and loadgen when Redis is unreachable', () => {
  it('dlq list exits 1 with a one-line reason within a few seconds', async () => {
    const url = `redis://:hunter2-secret@127.0.0.1:${await freePort()}`;
    const startup = await startupMs('dlq.ts');
    const startedAt = Date.now();
    const result = await runWorkerScript({ REDIS_URL: url }, { script: 'dlq.ts', args: ['list'] });
    expect(Date.now() - startedAt - startup).toBeLessThan(FEW_SECONDS);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^dlq: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? is unreachable after 3000 ms: .*ECONNREFUSED.*\n$/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('loadgen exits 1 with a one-line reason and says it enqueued nothing', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const startup = await startupMs('loadgen.ts');
    const startedAt = Date.now();
    const result = await runWorkerScript({ REDIS_URL: url }, { script: 'loadgen.ts', args: ['--rate', '100', '--duration', '5'] });
    expect(Date.now() - startedAt - startup).toBeLessThan(FEW_SECONDS);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^loadgen: Redis is unreachable .*; stopped after 0 of 500 operations were enqueued\n$/);
  });

  it('loadgen losing Redis mid-run exits 1 saying how many it had enqueued, and Redis holds at least those', async () => {
    const redis = await startRedis({ persistent: true });
    const namespace = freshNamespace();
    const key = waitListKey(queueLocation(namespace, 'default'));
    const client = await connectRedis(redis.url, 'producer');
    try {
      const run = runWorkerScript({ REDIS_URL: redis.url, CIO_QUEUE_NAMESPACE: namespace }, { script: 'loadgen.ts', args: ['--rate', '2000', '--duration', '30'] });
      await waitFor('some operations enqueued', async () => (await client.llen(key)) > 1_000);
      client.disconnect();
      await redis.stop();
      const stoppedAt = Date.now();
      const result = await run;
      expect(Date.now() - stoppedAt).toBeLessThan(FEW_SECONDS);
      expect(result.code).toBe(1);
      const match = /^loadgen: .*; stopped after (\d+) of 60000 operations were enqueued\n$/.exec(result.stderr);
      expect(match, result.stderr).not.toBeNull();
      const enqueued = Number(match?.[1]);
      expect(enqueued).toBeGreaterThan(0);
      await redis.restart();
      const after = await connectRedis(redis.url, 'producer');
      // confirmed writes are all there (AOF always); one unconfirmed batch may have landed as well
      expect(await after.llen(key)).toBeGreaterThanOrEqual(enqueued);
      after.disconnect();
    } finally {
      client.disconnect();
      await redis.close();
    }
  });
});
