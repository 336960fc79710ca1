/**
 * Remembers event ids for deduplication. Customer.io ignores an event whose `id` it has already
 * received, within a window it does not document; the emulator's window is "every id" in the
 * full ledger and "the most recent N ids" in the counters ledger, so a soak run stays bounded.
 */
import { SHARDS, shardOf } from './shard.js';

/** A set of event ids that answers "seen before?" while recording. */
export interface EventIdSet {
  /** Records `id`; true when it had been seen before (the event is a duplicate). */
  checkAndAdd(id: string): boolean;
  /** Ids currently remembered. */
  readonly size: number;
  /** Forgets every id. */
  clear(): void;
}

/**
 * Remembers every id ever seen; memory grows with the number of distinct ids. Spread over
 * {@link SHARDS} Sets to pass the 2^24 entries one V8 Set can hold.
 */
export class UnboundedEventIdSet implements EventIdSet {
  readonly #shards = Array.from({ length: SHARDS }, () => new Set<string>());
  #size = 0;

  checkAndAdd(id: string): boolean {
    const shard = this.#shards[shardOf(id)] as Set<string>;
    if (shard.has(id)) return true;
    shard.add(id);
    this.#size++;
    return false;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    for (const shard of this.#shards) shard.clear();
    this.#size = 0;
  }
}

/**
 * Remembers at least the most recent `capacity` ids, and at most twice as many, so memory is
 * O(capacity) however long the run. Two generations of `capacity` ids each: when the current one is
 * full it becomes the previous one and the oldest generation is dropped whole. That costs no
 * per-id eviction, which matters at hundreds of thousands of events per second.
 * A `capacity` of 0 turns dedupe off.
 */
export class BoundedEventIdSet implements EventIdSet {
  #current = new Set<string>();
  #previous = new Set<string>();

  constructor(readonly capacity: number) {}

  checkAndAdd(id: string): boolean {
    if (this.capacity === 0) return false;
    if (this.#current.has(id) || this.#previous.has(id)) return true;
    if (this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
    this.#current.add(id);
    return false;
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  clear(): void {
    this.#current = new Set();
    this.#previous = new Set();
  }
}
