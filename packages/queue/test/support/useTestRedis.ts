import { afterAll, beforeAll } from 'vitest';
import { createRedisClient, type ConnectionRole, type RedisClient } from '../../src/index.js';
import { startRedis, type StartRedisOptions, type TestRedis } from './redisServer.js';

/** The redis-server of a test file and a connection to it; both are there once the file's `beforeAll` ran. */
export interface TestRedisContext {
  readonly server: TestRedis;
  readonly redis: RedisClient;
}

/**
 * Registers a `beforeAll` that starts a redis-server ({@link startRedis} with `options`) and connects to it as `role`,
 * and an `afterAll` that disconnects and closes it. Call it at the top of a test file; hooks registered after it run
 * after its `beforeAll` and before its `afterAll`.
 * @example const ctx = useTestRedis(); … await ctx.redis.llen(key);
 */
export function useTestRedis(role: ConnectionRole = 'worker', options?: StartRedisOptions): TestRedisContext {
  let server: TestRedis | undefined;
  let redis: RedisClient | undefined;
  beforeAll(async () => {
    server = await startRedis(options);
    redis = createRedisClient(server.url, role);
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
