import { bucketKeys, type RedisClient } from '@cioscale/queue';
import type { BudgetReading } from './snapshot.js';

/**
 * Reads a workspace's token bucket without touching it. The queue package's `readBudget` creates a missing
 * bucket at a default budget; a monitor must not write what it only watches (the budget belongs to the
 * workers' configuration and to whoever presses `+`/`-`), so read the hash (fields documented in
 * packages/queue/README.md) and the pause key here instead.
 */
export async function readBucket(redis: RedisClient, namespace: string, workspace: string): Promise<BudgetReading | null> {
  const keys = bucketKeys(namespace, workspace);
  const [fields, pttl, time] = await Promise.all([redis.hmget(keys.bucket, 'ceiling', 'rate', 'burst', 'tokens', 'ts'), redis.pttl(keys.paused), redis.time()]);
  const [ceiling, rate, burst, tokens, ts] = fields.map((value) => (value === null ? NaN : Number(value))) as [number, number, number, number, number];
  if (!Number.isFinite(ceiling)) return null;
  // the hash holds tokens as of its last write; refill them to Redis's own clock as the bucket script would
  const now = Number(time[0]) * 1000 + Number(time[1]) / 1000;
  const refilled = now > ts ? Math.min(burst, tokens + ((now - ts) * rate) / 1000) : tokens;
  return { ceiling, rate, burst, tokens: refilled, pausedUntil: pttl > 0 ? Date.now() + pttl : 0 };
}
