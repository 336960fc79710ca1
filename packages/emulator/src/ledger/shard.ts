/**
 * Spreading keys over several Maps or Sets. One V8 Map or Set holds at most 2^24 (about 16.7
 * million) entries; a full-ledger backfill rehearsal can hold more people or event ids than that.
 */

/** Shards per collection; a power of two. */
export const SHARDS = 16;

/** The shard of a non-empty key: its last character (random in ULIDs) mixed with a middle one. */
export function shardOf(key: string): number {
  return (key.charCodeAt(key.length - 1) + 31 * key.charCodeAt(key.length >> 1)) & (SHARDS - 1);
}
