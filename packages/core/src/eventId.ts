import { randomFillSync } from 'node:crypto';
import { encodeTime } from 'ulid';

/** Crockford's base-32 alphabet, as ULIDs use it. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TWO_POW_40 = 2 ** 40;

/**
 * A deterministic ULID for a source record.
 *
 * The same `sourceKey` and `timeMs` always give the same id, so an operation that is sent again —
 * after a crash, a `--resume`, a dead-letter replay — carries the id Customer.io has already seen and
 * is ignored as a duplicate. The time part is `timeMs`; the 80 "random" bits are two independently
 * seeded 53-bit string hashes of the key, 40 bits of each.
 *
 * Why not SHA-256: it was 20× slower than the rest of envelope creation put together, and an id needs
 * spread, not secrecy — 80 well-mixed bits collide with probability ~1e-6 over 10⁹ records.
 *
 * @param sourceKey - what makes the record unique in its source, e.g. `users.csv#1042` or a job id
 * @param timeMs - a time that is stable for that record (its event timestamp, the job's creation time)
 * @example
 * eventId('users.csv#1042', 1_700_000_000_000) === eventId('users.csv#1042', 1_700_000_000_000); // true
 */
export function eventId(sourceKey: string, timeMs: number): string {
  return timePart(clampTime(timeMs)) + base32(hash53(sourceKey, 0x9e3779b9) % TWO_POW_40) + base32(hash53(sourceKey, 0x85ebca6b) % TWO_POW_40);
}

// A bulk import asks for the same time over and over (0 for every person, one timestamp for many
// events): remembering the last one skips encodeTime's validation and string building.
let lastTime = -1;
let lastTimePart = '';
function timePart(timeMs: number): string {
  if (timeMs !== lastTime) {
    lastTimePart = encodeTime(timeMs, 10);
    lastTime = timeMs;
  }
  return lastTimePart;
}

/**
 * A fresh random ULID, for operations that have no stable source record: the time part is `timeMs`,
 * the 80 random bits come from the system's CSPRNG.
 */
export function randomEventId(timeMs: number): string {
  // ulid() asks the CSPRNG once per character (16 syscalls an id): 80 % of a pipeline's CPU in a
  // profile. Draw 80 bits from a pooled buffer instead.
  if (poolOffset + 10 > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const bytes = randomPool;
  const at = poolOffset;
  poolOffset += 10;
  const high = (bytes[at] as number) * 2 ** 32 + (bytes[at + 1] as number) * 2 ** 24 + (bytes[at + 2] as number) * 2 ** 16 + (bytes[at + 3] as number) * 2 ** 8 + (bytes[at + 4] as number);
  const low = (bytes[at + 5] as number) * 2 ** 32 + (bytes[at + 6] as number) * 2 ** 24 + (bytes[at + 7] as number) * 2 ** 16 + (bytes[at + 8] as number) * 2 ** 8 + (bytes[at + 9] as number);
  return timePart(clampTime(timeMs)) + base32(high) + base32(low);
}

const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;

// ULID time is 48 bits of ms; a negative or absurd time must not throw deep inside a stream.
function clampTime(timeMs: number): number {
  if (!Number.isFinite(timeMs) || timeMs < 0) return 0;
  return Math.min(Math.floor(timeMs), 2 ** 48 - 1);
}

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 40 bits as 8 Crockford base-32 characters, most significant first. */
function base32(value: number): string {
  // two 20-bit halves keep every step in 32-bit integer arithmetic
  return base32of20(Math.floor(value / 2 ** 20)) + base32of20(value % 2 ** 20);
}

function base32of20(bits: number): string {
  return (CROCKFORD[(bits >>> 15) & 31] as string) + CROCKFORD[(bits >>> 10) & 31] + CROCKFORD[(bits >>> 5) & 31] + CROCKFORD[bits & 31];
}
