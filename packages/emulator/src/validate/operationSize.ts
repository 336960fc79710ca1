/**
 * The size check of batch operations ("each of the requests within a batch must also be 32kb or
 * smaller"), measured as the operation's compact JSON text in UTF-8 bytes, the way a client
 * measures what it sends.
 *
 * Re-serialising every operation of a ~480 KB batch would cost a quarter of the request's CPU
 * time, so a cheap upper bound decides first: only an operation whose bound is over the limit is
 * serialised to get its exact size.
 */
import { utf8Bytes } from '../limits.js';

/**
 * Bytes a JSON number can take (`-1.7976931348623157e+308`). Also covers `true`, `false`, `null`.
 */
const NUMBER_BYTES = 24;
/** Bytes a JSON string can take per UTF-16 code unit: a control character becomes `\u001f`. */
const BYTES_PER_CODE_UNIT = 6;

/**
 * An upper bound of `value`'s JSON text in bytes; stops adding once past `budget`, since then
 * the exact size is needed anyway.
 */
function jsonBytesBound(value: unknown, budget: number): number {
  if (typeof value === 'string') return value.length * BYTES_PER_CODE_UNIT + 2;
  if (typeof value !== 'object' || value === null) return NUMBER_BYTES;
  let bound = 2;
  if (Array.isArray(value)) {
    for (const element of value) {
      bound += jsonBytesBound(element, budget - bound) + 1;
      if (bound > budget) return bound;
    }
    return bound;
  }
  for (const key in value) {
    bound += key.length * BYTES_PER_CODE_UNIT + 4 + jsonBytesBound((value as Record<string, unknown>)[key], budget - bound);
    if (bound > budget) return bound;
  }
  return bound;
}

/** The exact byte size of `operation`'s JSON text when it is over `limit`; undefined when it fits. */
export function oversizeBytes(operation: unknown, limit: number): number | undefined {
  if (jsonBytesBound(operation, limit) <= limit) return undefined;
  const bytes = utf8Bytes(JSON.stringify(operation) ?? '');
  return bytes > limit ? bytes : undefined;
}
