import { track } from '@cioscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, DeadLetter, queueLocation, type DeadLetterRecord, type RedisClient } from '../src/index.js';
import { freshNamespace } from './support/names.js';
import { startRedis, type TestRedis } from './support/redisServer.js';

let server: TestRedis;
let redis: RedisClient;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedisClient(server.url, 'worker');
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

describe('DeadLetter.removeIfUnchanged (what replay uses)', () => {
  it('keeps a record written again after it was read, removes one that was not', async () => {
    const deadLetter = new DeadLetter(redis, queueLocation(freshNamespace(), 'default'));
    const read: DeadLetterRecord = { id: 'op1', workspace: 'default', operation: track('p', 'e'), producedAt: 1, status: 'rejected', reason: 'invalid', message: 'no', attempts: 1, deadAt: 1_000 };
    await deadLetter.add(read);
    // the replayed operation was rejected again before the replay removed what it had read
    const again = { ...read, deadAt: 2_000 };
    await deadLetter.add(again);
    await deadLetter.removeIfUnchanged(read);
    expect(await deadLetter.list()).toEqual([again]);
    await deadLetter.removeIfUnchanged(again);
    expect(await deadLetter.count()).toBe(0);
  });
});
