/**
 * Converts a `Retry-After` header value into milliseconds to wait.
 *
 * Customer.io (like any HTTP server) may say how long to back off either as delta-seconds (`"3"`) or as
 * an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`). This reads both; anything else means "not said",
 * so the retry policy falls back to its own backoff.
 *
 * @param value - the raw header value, or `null`/`undefined` when the header is absent
 * @param nowMs - the current time in ms since the epoch (from the scheduler, never `Date.now()` here)
 * @returns ms to wait (0 for a date already past), or `undefined` when the value is absent or unreadable
 *
 * @example
 * ```ts
 * parseRetryAfter('1.5', scheduler.now()); // 1500
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 58)); // 2000
 * parseRetryAfter('soon', 0); // undefined
 * ```
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc7231#section-7.1.3 | RFC 7231 §7.1.3 Retry-After}
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();

  // RFC 7231 allows only whole seconds, but fractions are seen in the wild and cost nothing to honour
  if (DELTA_SECONDS.test(text)) return Math.ceil(Number(text) * 1000);

  // Date.parse alone is far too lenient ("1 apple" parses in V8), so insist on the IMF-fixdate shape
  if (!IMF_FIXDATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
