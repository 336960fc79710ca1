/**
 * The per-workspace request budget: a token bucket that refills continuously at `rate` tokens per
 * second up to `burst` tokens, one token per Track API request (v1 and v2 alike, as Customer.io
 * counts them).
 */

/** The answer to one request for a token. */
export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

const ALLOWED: TakeResult = { allowed: true };

/**
 * What the emulator answers 429 by: a token bucket per workspace, as Customer.io limits a workspace (the
 * client-side budget is core's `TokenBucket`, a different concern). `rate` 0 means unlimited.
 */
export class EmulatedRateLimit {
  #rate: number;
  #burst: number;
  #tokens: number;
  #updatedAt: number;

  /**
   * @param rate Tokens per second; 0 = unlimited.
   * @param burst Bucket size: requests allowed at once after an idle period (at least 1).
   * @param clock Monotonic milliseconds; injected so tests control time.
   */
  constructor(
    rate: number,
    burst: number,
    readonly clock: () => number = () => performance.now(),
  ) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedAt = clock();
  }

  /** Tokens per second; 0 = unlimited. */
  get rate(): number {
    return this.#rate;
  }

  /** Bucket size. */
  get burst(): number {
    return this.#burst;
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
   * Changes rate and burst. The tokens on hand are kept, capped at the new burst; coming from
   * unlimited, where nothing was taken, the bucket starts full.
   */
  configure(rate: number, burst: number): void {
    this.#refill();
    const wasUnlimited = this.#rate === 0;
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = wasUnlimited ? burst : Math.min(this.#tokens, burst);
  }

  /** Fills the bucket, as after a long idle period. */
  refillFully(): void {
    this.#tokens = this.#burst;
    this.#updatedAt = this.clock();
  }

  #refill(): void {
    const now = this.clock();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#rate);
    this.#updatedAt = now;
  }
}
