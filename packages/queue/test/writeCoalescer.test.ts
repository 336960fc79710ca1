import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisClient } from '../src/index.js';
import { writeCoalescer } from '../src/writeCoalescer.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

/** Redis's count of socket reads it processed (INFO stats), across all clients. */
async function readsProcessed(redis: Redis): Promise<number> {
  return Number(/total_reads_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
}

describe('writeCoalescer', () => {
  it('sends the commands issued in one turn in one write, and every one still gets its answer', async () => {
    const client = new Redis(ctx.server.url);
    const observer = new Redis(ctx.server.url);
    try {
      await client.ping();
      const key = `${freshNamespace()}:n`;
      const coalesce = writeCoalescer(client);
      const before = await readsProcessed(observer);
      coalesce();
      const replies = Promise.all(Array.from({ length: 200 }, () => client.incr(key)));
      // nothing has left yet: the socket stays corked until the turn ends
      expect(client.stream.writableLength).toBeGreaterThan(0);
      const answers = await replies;
      expect(answers.at(-1)).toBe(200);
      // the 200 commands plus the INFO around them: a handful of reads, not one per command
      expect((await readsProcessed(observer)) - before).toBeLessThan(10);
    } finally {
      client.disconnect();
      observer.disconnect();
    }
  });
});
