/**
 * A map keyed by person identifier (kind + value). One set of Maps per kind rather than one Map
 * keyed by `kind:value` strings: the full ledger looks people up several times per operation, and
 * building a key string each time is measurable at hundreds of thousands of operations per second.
 * Each kind is sharded to hold more than the 2^24 entries of one V8 Map.
 */
import type { PersonIdentifierKind, PersonRef } from '../commands.js';
import { SHARDS, shardOf } from './shard.js';

/** Emails are case-insensitive in Customer.io; every other identifier is compared as sent. */
function normalise(kind: PersonIdentifierKind, value: string): string {
  return kind === 'email' ? value.toLowerCase() : value;
}

function shards<V>(): Map<string, V>[] {
  return Array.from({ length: SHARDS }, () => new Map<string, V>());
}

/** Values by person identifier. */
export class IdentifierMap<V> {
  readonly #maps: Record<PersonIdentifierKind, Map<string, V>[]> = { id: shards(), email: shards(), phone: shards(), cio_id: shards() };
  #size = 0;

  #shard(kind: PersonIdentifierKind, key: string): Map<string, V> {
    return this.#maps[kind][shardOf(key)] as Map<string, V>;
  }

  /** The value stored for `ref`, if any. */
  get(ref: PersonRef): V | undefined {
    const key = normalise(ref.kind, ref.value);
    return this.#shard(ref.kind, key).get(key);
  }

  /** Whether `ref` is present. */
  has(ref: PersonRef): boolean {
    // Cheap exit for the usual case of an empty suppression or deletion list.
    if (this.#size === 0) return false;
    const key = normalise(ref.kind, ref.value);
    return this.#shard(ref.kind, key).has(key);
  }

  /** Stores `value` for `ref`, replacing any earlier one. */
  set(ref: PersonRef, value: V): void {
    const key = normalise(ref.kind, ref.value);
    const map = this.#shard(ref.kind, key);
    if (!map.has(key)) this.#size++;
    map.set(key, value);
  }

  /** True when something was removed. */
  delete(ref: PersonRef): boolean {
    const key = normalise(ref.kind, ref.value);
    const removed = this.#shard(ref.kind, key).delete(key);
    if (removed) this.#size--;
    return removed;
  }

  /** Every value stored under identifiers of `kind`. */
  *values(kind: PersonIdentifierKind): IterableIterator<V> {
    for (const map of this.#maps[kind]) yield* map.values();
  }

  /** Number of identifiers of `kind` held. */
  count(kind: PersonIdentifierKind): number {
    let count = 0;
    for (const map of this.#maps[kind]) count += map.size;
    return count;
  }

  /** Number of identifiers held, of every kind. */
  get size(): number {
    return this.#size;
  }

  /** Removes everything. */
  clear(): void {
    for (const maps of Object.values(this.#maps)) for (const map of maps) map.clear();
    this.#size = 0;
  }
}
