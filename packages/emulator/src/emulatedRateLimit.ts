/**
 * The per-workspace request budget: a token bucket that refills continuously at `rate` tokens per
 * second, one token per Track API request (v1 and v2 alike, as Customer.io counts them).
 *
 * Two models of Customer.io's limit, so a user can rehearse either:
 *
 * - `hard` (the default): the bucket holds `burst` tokens, so at most `burst` requests pass at once
 *   and then `rate` per second. It is the budget the product brief plans around (~100 req/s per
 *   workspace, docs/reference/customerio-api.md "Rate limits": "Older docs and the product brief
 *   plan around ~100 requests/s"), enforced strictly so a client that stays under it is proven to.
 * - `soft`: Customer.io's current words, "a rate limit of 1000 requests per second … While this rate
 *   is not strictly enforced, consistently exceeding it may lead to throttling" (the OpenAPI
 *   document's "Rate Limits"), and the App API's "3000 requests per 3 seconds" phrasing of the same
 *   kind of limit. Decision: the budget is counted over {@link SOFT_WINDOW_SECONDS} seconds, a bucket
 *   of `rate × 3` tokens, so a burst of up to three seconds' worth passes at once and only a rate
 *   sustained above `rate` is throttled (429). `burst` is not used in this mode.
 */

/** The answer to one request for a token. */
export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** How strictly the budget is enforced; see the module comment. */
export type RateLimitMode = 'hard' | 'soft';

/** The window over which `soft` mode counts the budget: "3000 requests per 3 seconds". */
export const SOFT_WINDOW_SECONDS = 3;

const ALLOWED: TakeResult = { allowed: true };

/**
 * What the emulator answers 429 by: a token bucket per workspace, as Customer.io limits a workspace (the
 * client-side budget is core's `TokenBucket`, a different concern). `rate` 0 means unlimited.
 */
export class EmulatedRateLimit {
  #rate: number;
  #burst: number;
  #mode: RateLimitMode;
  #tokens: number;
  #updatedAt: number;

  /**
   * @param rate Tokens per second; 0 = unlimited.
   * @param burst Bucket size of `hard` mode: requests allowed at once after an idle period (at least 1).
   * @param clock Monotonic milliseconds; injected so tests control time.
   * @param mode `hard` (bucket of `burst`) or `soft` (bucket of `rate × 3`). @defaultValue 'hard'
   */
  constructor(
    rate: number,
    burst: number,
    readonly clock: () => number = () => performance.now(),
    mode: RateLimitMode = 'hard',
  ) {
    this.#rate = rate;
    this.#burst = burst;
    this.#mode = mode;
    this.#tokens = this.#capacity();
    this.#updatedAt = clock();
  }

  /** Tokens per second; 0 = unlimited. */
  get rate(): number {
    return this.#rate;
  }

  /** Bucket size of `hard` mode. */
  get burst(): number {
    return this.#burst;
  }

  /** `hard` or `soft`. */
  get mode(): RateLimitMode {
    return this.#mode;
  }

  /** Takes one token, or says how long until one is available. */
  take(): TakeResult {
    if (this.#rate === 0) return ALLOWED;
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: ((1 - this.#tokens) / this.#rate) * 1000 };
  }

  /**
   * Changes rate, burst and mode. The tokens on hand are kept, capped at the new bucket size; coming
   * from unlimited, where nothing was taken, the bucket starts full.
   */
  configure(rate: number, burst: number, mode: RateLimitMode = this.#mode): void {
    this.#refill();
    const wasUnlimited = this.#rate === 0;
    this.#rate = rate;
    this.#burst = burst;
    this.#mode = mode;
    this.#tokens = wasUnlimited ? this.#capacity() : Math.min(this.#tokens, this.#capacity());
  }

  /** Fills the bucket, as after a long idle period. */
  refillFully(): void {
    this.#tokens = this.#capacity();
    this.#updatedAt = this.clock();
  }

  #capacity(): number {
    return this.#mode === 'soft' ? Math.max(1, this.#rate * SOFT_WINDOW_SECONDS) : this.#burst;
  }

  #refill(): void {
    const now = this.clock();
    this.#tokens = Math.min(this.#capacity(), this.#tokens + ((now - this.#updatedAt) / 1000) * this.#rate);
    this.#updatedAt = now;
  }
}
