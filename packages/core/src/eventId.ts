import { hash } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * A deterministic ULID for a source record.
 *
 * The same `sourceKey` and `timeMs` always give the same id, so an operation that is sent again —
 * after a crash, a `--resume`, a dead-letter replay — carries the id Customer.io has already seen and
 * is ignored as a duplicate. The time part is `timeMs`; the 80 "random" bits come from SHA-256 of the
 * key, so distinct records collide with negligible probability.
 *
 * @param sourceKey - what makes the record unique in its source, e.g. `users.csv#1042` or a job id
 * @param timeMs - a time that is stable for that record (its event timestamp, the job's creation time)
 * @example
 * eventId('users.csv#1042', 1_700_000_000_000) === eventId('users.csv#1042', 1_700_000_000_000); // true
 */
export function eventId(sourceKey: string, timeMs: number): string {
  const digest = hash('sha256', sourceKey, 'buffer');
  let index = 0;
  // ulid() draws one base-32 character of its random part per prng() call: feed it the digest's bytes.
  const prng = (): number => (digest[index++ % digest.length] as number) / 256;
  return ulid(clampTime(timeMs), prng);
}

/** A fresh random ULID, for operations that have no stable source record. */
export function randomEventId(timeMs: number): string {
  return ulid(clampTime(timeMs));
}

// ULID time is 48 bits of ms; a negative or absurd time must not throw deep inside a stream.
function clampTime(timeMs: number): number {
  if (!Number.isFinite(timeMs) || timeMs < 0) return 0;
  return Math.min(Math.floor(timeMs), 2 ** 48 - 1);
}
