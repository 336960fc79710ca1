import { startRedis, type TestRedis, waitFor } from '@cioscale/test-support';
import { connectRedis } from '@cioscale/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWorker, type SpawnedWorker } from './support/spawnWorker.js';

let redis: TestRedis | undefined;
let worker: SpawnedWorker | undefined;
afterEach(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await worker?.exited;
  await redis?.close();
  worker = undefined;
  redis = undefined;
});

const occurrences = (text: string, word: string): number => text.split(word).length - 1;

describe('the worker with a wrong Redis password', () => {
  it('logs WRONGPASS once, keeps retrying quietly, and says how many errors it saw once the password works', async () => {
    const right = 'right-pass-9f0e';
    const wrong = 'wrong-pass-3c7a';
    // set after start: the helper's readiness ping has no password
    redis = await startRedis();
    const setup = await connectRedis(redis.url, 'producer');
    await setup.config('SET', 'requirepass', right);
    setup.disconnect();
    worker = await spawnWorker({
      REDIS_URL: `redis://:${wrong}@127.0.0.1:${redis.port}`,
      CUSTOMERIO_SITE_ID: 'site',
      CUSTOMERIO_TRACK_API_KEY: 'key',
      CIO_TRACK_URL: 'http://127.0.0.1:9',
    });
    const current = worker;
    await waitFor('the WRONGPASS line', () => current.output().includes('WRONGPASS'));
    // several reconnection rounds of every connection (worker, blocking, bucket): each used to log a line
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(occurrences(current.output(), 'WRONGPASS'), current.output()).toBe(1);
    expect(current.output()).toMatch(/redis: cannot reach redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? \(WRONGPASS/);

    // the operator fixes the secret (here: Redis accepts the worker's password now)
    const admin = await connectRedis(`redis://:${right}@127.0.0.1:${redis.port}`, 'producer');
    await admin.config('SET', 'requirepass', wrong);
    admin.disconnect();
    await waitFor('the connected line', () => /redis: connected to/.test(current.output()));
    const errors = Number(/connected to \S+ after (\d+) more error\(s\) while it was unreachable/.exec(current.output())?.[1]);
    expect(errors, current.output()).toBeGreaterThan(1);
    expect(current.output()).not.toContain(wrong);
    expect(current.output()).not.toContain(right);
  });
});
