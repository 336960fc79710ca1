import type { RedisClient } from './connection.js';
import { DeadLetter, type DeadLetterRecord } from './deadLetter.js';
import { checkName, DEFAULT_NAMESPACE, queueLocation } from './keys.js';

/** One dead-lettered operation without its payload: the operation is customer data and stays in Redis. */
export type DeadLetterSample = Pick<DeadLetterRecord, 'id' | 'status' | 'reason' | 'message' | 'field' | 'deadAt'>;

/** A workspace's dead letter at a glance. */
export interface DeadLetterSummary {
  /** Records over every shard. */
  readonly count: number;
  /** The most recent records, newest first. */
  readonly recent: readonly DeadLetterSample[];
}

/**
 * Counts the dead letters of shards 0 … `shards` − 1 of `workspace` and samples the `limit` most recent
 * (reason and message only, for a person to act on).
 *
 * @param options.shards - queues the workspace is spread over; @defaultValue 1
 * @param options.limit - most recent records kept; @defaultValue 5
 */
export async function readDeadLetterSamples(
  redis: RedisClient,
  workspace: string,
  options: { readonly shards?: number; readonly limit?: number; readonly namespace?: string } = {},
): Promise<DeadLetterSummary> {
  const namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
  const limit = options.limit ?? 5;
  const perShard = await Promise.all(
    Array.from({ length: options.shards ?? 1 }, async (_, shard) => {
      const deadLetter = new DeadLetter(redis, queueLocation(namespace, checkName('workspace', workspace), shard));
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
