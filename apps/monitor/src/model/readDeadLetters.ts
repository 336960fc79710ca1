import { DeadLetter, type QueueLocation, type RedisClient } from '@cioscale/queue';
import type { DeadLetterSample, WorkspaceReading } from './snapshot.js';

/**
 * Count and the `limit` most recent dead letters over the given shards, newest first. Only the reason
 * and message are kept: the operation itself is customer data and stays in Redis.
 */
export async function readDeadLetters(redis: RedisClient, locations: readonly QueueLocation[], limit: number): Promise<WorkspaceReading['deadLetters']> {
  const perShard = await Promise.all(
    locations.map(async (location) => {
      const deadLetter = new DeadLetter(redis, location);
      // negative ranks: the newest `limit` of each shard's time index
      const [count, recent] = await Promise.all([deadLetter.count(), limit > 0 ? deadLetter.list(-limit, limit) : Promise.resolve([])]);
      return { count, recent };
    }),
  );
  const recent = perShard
    .flatMap((shard) => shard.recent)
    .sort((a, b) => b.deadAt - a.deadAt)
    .slice(0, limit)
    .map(({ id, status, reason, message, field, deadAt }): DeadLetterSample => ({ id, status, reason, message, ...(field !== undefined && { field }), deadAt }));
  return { count: perShard.reduce((sum, shard) => sum + shard.count, 0), recent };
}
