import { freshNamespace, startRedis, waitFor } from '@cioscale/test-support';
import { track } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { connectRedis, createProducer, queueLocation, waitListKey } from '../src/index.js';

describe('kill -9 of Redis with AOF appendfsync everysec (the production setting)', () => {
  it('keeps every enqueue it had confirmed, up to the last one: the process dying loses nothing the kernel has', async () => {
    const server = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
    const namespace = freshNamespace();
    const producer = createProducer({ redis: server.url, namespace });
    const admin = await connectRedis(server.url, 'producer');
    const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
    admin.disconnect();
    try {
      const confirmed: string[] = [];
      for (let round = 0; round < 20; round++) confirmed.push(...(await producer.enqueueMany(Array.from({ length: 50 }, (_, index) => track(`p${index}`, 'e', { round })))));
      // no pause: the last confirmed write is milliseconds old, far from any fsync
      process.kill(pid, 'SIGKILL');
      await waitFor('redis-server gone', () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      });
      await server.restart();
      const after = await connectRedis(server.url, 'producer');
      try {
        const waiting = await after.lrange(waitListKey(queueLocation(namespace, 'default')), 0, -1);
        expect(new Set(waiting)).toEqual(new Set(confirmed));
      } finally {
        after.disconnect();
      }
    } finally {
      await producer.close();
      await server.close();
    }
  });
});
