import { createProducer, createRedisClient, setBudget, type RedisClient } from '@cioscale/queue';
import { track } from '@cioscale/core';
import { freshNamespace, startRedis, type TestRedis } from '@cioscale/test-support';

/** The password of the test Redis: no screen, JSON or log may ever show it. */
export const REDIS_PASSWORD = 's3cret-do-not-show';

/** A password-protected redis-server of the test's own, a fresh namespace, and an admin connection. */
export interface RedisFixture {
  readonly server: TestRedis;
  /** URL with the password. */
  readonly url: string;
  readonly namespace: string;
  readonly admin: RedisClient;
  close(): Promise<void>;
}

/** Starts Redis (with `requirepass`) on a free port. */
export async function redisFixture(): Promise<RedisFixture> {
  const server = await startRedis();
  // set after start: the support's readiness check pings without a password
  const setup = createRedisClient(`redis://127.0.0.1:${server.port}`, 'worker');
  await setup.config('SET', 'requirepass', REDIS_PASSWORD);
  setup.disconnect();
  const url = `redis://:${REDIS_PASSWORD}@127.0.0.1:${server.port}`;
  const admin = createRedisClient(url, 'worker');
  return {
    server,
    url,
    namespace: freshNamespace(),
    admin,
    close: async () => {
      admin.disconnect();
      await server.close();
    },
  };
}

/** Gives `workspace` a budget and `jobs` waiting operations, as a fleet would have. */
export async function seedWorkspace(fixture: RedisFixture, workspace: string, rate: number, jobs: number): Promise<void> {
  await setBudget(fixture.admin, workspace, { rate }, fixture.namespace);
  const producer = createProducer({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: workspace, siteIdEnv: 'X', apiKeyEnv: 'Y', region: 'us', rate, burst: 10, shards: 1 }] });
  try {
    await producer.enqueueMany(Array.from({ length: jobs }, (_, index) => ({ operation: track(`person-${index}`, 'seeded', { email: `person-${index}@example.com` }), workspace })));
  } finally {
    await producer.close();
  }
}
