import type { Operation } from '@cioscale/core';
import type { RedisClient } from './connection.js';
import { deadLetterKeys, type QueueLocation } from './keys.js';

/** One operation that will not be delivered without a person's decision. */
export interface DeadLetterRecord {
  /** The envelope id (also the job id and, for events, the event id): a replay reuses it. */
  readonly id: string;
  readonly workspace: string;
  readonly operation: Operation;
  readonly producedAt: number;
  /** `rejected`: Customer.io or validation said no. `failed`: every retry and BullMQ attempt ran out. */
  readonly status: 'rejected' | 'failed';
  /** A stable reason, e.g. `attribute_value_too_long`, Customer.io's `reason`, or an error code. */
  readonly reason: string;
  /** What a person can act on. */
  readonly message: string;
  readonly field?: string;
  /** For rejections: `local` (validation) or `customerio`. */
  readonly origin?: 'local' | 'customerio';
  /** BullMQ attempts made, this one included. */
  readonly attempts: number;
  /** When it was dead-lettered, ms since the epoch. */
  readonly deadAt: number;
}

// KEYS: records hash, index; ARGV: id, deadAt of the record as read
const REMOVE_IF_UNCHANGED = `
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value and cjson.decode(value).deadAt == tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 0
`;

/**
 * The dead letter of one queue: records by id in a hash, ids by time in a sorted set, both in the
 * queue's hash tag. Writing the same id twice keeps one record (the latest).
 */
export class DeadLetter {
  private readonly keys: { readonly records: string; readonly index: string };

  constructor(
    private readonly redis: RedisClient,
    readonly location: QueueLocation,
  ) {
    this.keys = deadLetterKeys(location);
  }

  /** Stores a record (atomically with its index entry). */
  async add(record: DeadLetterRecord): Promise<void> {
    await this.redis.multi().hset(this.keys.records, record.id, JSON.stringify(record)).zadd(this.keys.index, record.deadAt, record.id).exec();
  }

  /** How many records there are. */
  count(): Promise<number> {
    return this.redis.zcard(this.keys.index);
  }

  /** Records oldest first, `limit` from `offset`. */
  async list(offset = 0, limit = 100): Promise<DeadLetterRecord[]> {
    const ids = await this.redis.zrange(this.keys.index, offset, offset + limit - 1);
    return this.get(ids);
  }

  /** The records of `ids` that exist. */
  async get(ids: readonly string[]): Promise<DeadLetterRecord[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.keys.records, ...ids);
    return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as DeadLetterRecord);
  }

  /** Every record, oldest first, read in pages of `pageSize` so memory stays bounded. */
  async *entries(pageSize = 500): AsyncGenerator<DeadLetterRecord> {
    let lastScore = '-inf';
    const seen = new Set<string>();
    for (;;) {
      // by score, not by rank: a replay removing records while we read must not make us skip any
      const ids = await this.redis.zrangebyscore(this.keys.index, lastScore, '+inf', 'WITHSCORES', 'LIMIT', 0, pageSize);
      const fresh: string[] = [];
      for (let index = 0; index < ids.length; index += 2) {
        const id = ids[index] as string;
        lastScore = ids[index + 1] as string;
        if (!seen.has(id)) fresh.push(id);
      }
      if (fresh.length === 0) return;
      for (const record of await this.get(fresh)) {
        seen.add(record.id);
        yield record;
      }
      for (const id of fresh) seen.add(id);
    }
  }

  /**
   * Deletes a record unless it was written again after it was read (its `deadAt` changed): a replayed
   * operation that is rejected again before the replay gets here keeps its new record.
   */
  async removeIfUnchanged(record: DeadLetterRecord): Promise<void> {
    await this.redis.eval(REMOVE_IF_UNCHANGED, 2, this.keys.records, this.keys.index, record.id, record.deadAt);
  }

  /** Deletes records. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().hdel(this.keys.records, ...ids).zrem(this.keys.index, ...ids).exec();
  }
}
