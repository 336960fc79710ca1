/**
 * The shard of a routing key: FNV-1a of its UTF-16 code units, modulo `shards`. Stable across
 * processes and versions, so every operation about one person lands in the same queue, in order.
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
