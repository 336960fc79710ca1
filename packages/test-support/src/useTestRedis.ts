import { afterAll, beforeAll } from 'vitest';
import { startRedis, type StartRedisOptions, type TestRedis } from './redisServer.js';

/** A client the test can close: an ioredis `Redis` or `Cluster`, or anything else with `disconnect()`. */
export interface DisconnectableClient {
  disconnect(): void;
}

/** The redis-server of a test file and a connection to it; both are there once the file's `beforeAll` ran. */
export interface TestRedisContext<Client extends DisconnectableClient> {
  readonly server: TestRedis;
  readonly redis: Client;
}

/**
 * Registers a `beforeAll` that starts a redis-server ({@link startRedis} with `options`) and opens `connect(url)`,
 * and an `afterAll` that disconnects and closes it. Call it at the top of a test file; hooks registered after it run
 * after its `beforeAll` and before its `afterAll`. The client comes from the caller (e.g. `@cioscale/queue`'s
 * `createRedisClient(url, 'worker')`), so this package depends on none of the packages it tests.
 * @example const ctx = useTestRedis((url) => createRedisClient(url, 'worker')); … await ctx.redis.llen(key);
 */
export function useTestRedis<Client extends DisconnectableClient>(connect: (url: string) => Client, options?: StartRedisOptions): TestRedisContext<Client> {
  let server: TestRedis | undefined;
  let redis: Client | undefined;
  beforeAll(async () => {
    server = await startRedis(options);
    redis = connect(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestRedis: the test Redis is not started yet (use it inside hooks and tests)');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get redis() {
      return started(redis);
    },
  };
}
