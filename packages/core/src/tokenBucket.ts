import { asyncScheduler, Observable, timer } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { DEFAULT_BUDGET } from './defaults.js';
import { ConfigurationError } from './errors.js';
import type { TokenSource, TokenSourceState } from './tokenSource.js';

/** Budget of an in-process {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Ceiling of the request rate, in requests/s. @defaultValue {@link DEFAULT_BUDGET}.rate (100) */
  readonly rate?: number;
  /** Most tokens that can be saved up, i.e. the largest burst of requests sent at once. @defaultValue {@link DEFAULT_BUDGET}.burst (10) */
  readonly burst?: number;
  /** Floor of the rate after repeated 429s, in requests/s. @defaultValue rate / 20 (follows {@link TokenBucket.setCeiling}) */
  readonly minRate?: number;
  /** Multiplier applied to the rate on a 429, in (0, 1]. @defaultValue 0.5 */
  readonly decreaseFactor?: number;
  /** Additive growth of the rate, in requests/s per second of successes. @defaultValue rate / 10 (follows the ceiling) */
  readonly increasePerSecond?: number;
  /** Pause after a 429 that carried no Retry-After, in ms. @defaultValue 1000 */
  readonly defaultPauseMs?: number;
  /** Clock and timers. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Sub-millisecond slack so floating-point refill never schedules a timer for a rounding error. */
const EPSILON_MS = 1e-6;

/**
 * An in-process, adaptive (AIMD) token bucket: the {@link TokenSource} of a single process.
 *
 * <span class="informal">Hands out one token per request at a rate that halves on a 429 and creeps back.</span>
 *
 * Tokens refill continuously at the current rate up to `burst`. A caller reserves its token at once, so
 * the balance may go negative; that balance is the queue, and callers are served in reservation order
 * without any list of waiters. A 429 pauses everyone, cuts the rate and forfeits saved tokens; a pause
 * saves up at most `burst` tokens, so its end releases at most `burst` requests (waiters first), never the
 * whole queue at once. Successes grow the rate back.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ rate: 100, burst: 10 });
 * batches$.pipe(awaitToken(bucket), mergeMap((batch) => send(batch), 10));
 * // on a 429: bucket.penalize(error.retryAfterMs); on a 2xx: bucket.reward()
 * ```
 *
 * @see {@link awaitToken}
 */
export class TokenBucket implements TokenSource {
  private readonly scheduler: SchedulerLike;
  private readonly burst: number;
  private readonly decreaseFactor: number;
  private readonly defaultPauseMs: number;
  private readonly explicitMinRate: number | undefined;
  private readonly explicitIncrease: number | undefined;
  private ceiling: number;
  private rate: number;
  /** Tokens credited since creation; `earned - reserved` is the balance. Counters keep each caller's ticket fixed. */
  private earned: number;
  private reserved = 0;
  private lastRefill: number;
  private lastGrowth: number;
  private pausedUntil = 0;
  /** `earned` when the current pause began: the pause may add at most `burst` to it. */
  private pauseBase = 0;

  constructor(options: TokenBucketOptions = {}) {
    this.ceiling = positive('rate', options.rate ?? DEFAULT_BUDGET.rate);
    this.burst = atLeast('burst', options.burst ?? DEFAULT_BUDGET.burst, 1);
    this.explicitMinRate = options.minRate === undefined ? undefined : positive('minRate', options.minRate);
    this.decreaseFactor = options.decreaseFactor ?? 0.5;
    if (!(this.decreaseFactor > 0 && this.decreaseFactor <= 1)) throw ConfigurationError.option('decreaseFactor', 'a number in (0, 1]', options.decreaseFactor);
    this.explicitIncrease = options.increasePerSecond === undefined ? undefined : atLeast('increasePerSecond', options.increasePerSecond, 0);
    this.defaultPauseMs = atLeast('defaultPauseMs', options.defaultPauseMs ?? 1000, 0);
    this.scheduler = options.scheduler ?? asyncScheduler;
    if (typeof this.scheduler.now !== 'function') throw ConfigurationError.option('scheduler', 'an RxJS SchedulerLike', typeof this.scheduler);
    if (this.minRate > this.ceiling) throw ConfigurationError.option('minRate', `at most rate (${this.ceiling})`, this.minRate);
    this.rate = this.ceiling;
    this.earned = this.burst;
    this.lastRefill = this.lastGrowth = this.scheduler.now();
  }

  /** Emits the ms waited, then completes, once one request may be sent. Unsubscribing first returns the token. */
  take(): Observable<number> {
    return new Observable<number>((subscriber) => {
      const requestedAt = this.scheduler.now();
      this.refill(requestedAt);
      const ticket = ++this.reserved;
      let granted = false;
      let pending: Subscription | undefined;

      // re-checked on every wake-up: the rate or a pause may have changed since the timer was set
      const attempt = (): void => {
        const now = this.scheduler.now();
        this.refill(now);
        const waitMs = this.waitMs(ticket, now);
        if (waitMs > 0) {
          pending = timer(waitMs, this.scheduler).subscribe(attempt);
          return;
        }
        granted = true;
        subscriber.next(now - requestedAt);
        subscriber.complete();
      };
      attempt();

      return () => {
        pending?.unsubscribe();
        // crediting instead of un-reserving keeps the tickets of later callers valid
        if (!granted) this.credit(1);
      };
    });
  }

  /** A 429: pause everyone for `retryAfterMs` (or `defaultPauseMs`), and cut the rate once per pause. */
  penalize(retryAfterMs?: number): void {
    const now = this.scheduler.now();
    this.refill(now);
    // the other 429s of the same burst arrive during the pause; one cut per episode, not one per response
    if (this.pausedUntil <= now) this.rate = Math.max(Math.min(this.minRate, this.ceiling), this.rate * this.decreaseFactor);
    const pauseMs = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : this.defaultPauseMs;
    this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
    // tokens saved before the 429 must not go out in a burst the moment a short pause ends
    this.earned = Math.min(this.earned, this.reserved);
    this.pauseBase = this.earned;
    // growth is earned by successes after the pause, not by the time spent in it
    this.lastGrowth = Math.max(this.lastGrowth, this.pausedUntil);
  }

  /** A success: grow the rate by `increasePerSecond` per second since the last growth, up to the ceiling. */
  reward(): void {
    const now = this.scheduler.now();
    if (now <= this.lastGrowth) return;
    this.refill(now);
    this.rate = Math.min(this.ceiling, this.rate + (this.increasePerSecond * (now - this.lastGrowth)) / 1000);
    this.lastGrowth = now;
  }

  /**
   * Changes the ceiling live (the monitor edits budgets). A bucket running at its old ceiling moves to the
   * new one at once; a bucket still recovering from a 429 keeps growing towards it.
   */
  setCeiling(rate: number): void {
    positive('rate', rate);
    this.refill(this.scheduler.now());
    this.rate = this.rate >= this.ceiling ? rate : Math.min(this.rate, rate);
    this.ceiling = rate;
    // a minRate derived from the ceiling rises with it
    this.rate = Math.max(this.rate, Math.min(this.minRate, this.ceiling));
  }

  /** Rate, ceiling, balance and pause as of now, for metrics and the monitor. */
  state(): TokenSourceState {
    const now = this.scheduler.now();
    this.refill(now);
    return { rate: this.rate, ceiling: this.ceiling, tokens: this.earned - this.reserved, pausedUntil: this.pausedUntil > now ? this.pausedUntil : 0 };
  }

  private get minRate(): number {
    return this.explicitMinRate ?? this.ceiling / 20;
  }

  private get increasePerSecond(): number {
    return this.explicitIncrease ?? this.ceiling / 10;
  }

  /**
   * Accrues tokens for the time since the last refill; time in a pause adds at most `burst` in all.
   * Only moves forward: Date.now() can step back (NTP), and that must not take tokens away.
   */
  private refill(now: number): void {
    if (this.pausedUntil > this.lastRefill && now > this.lastRefill) {
      const until = Math.min(now, this.pausedUntil);
      // queued waiters count against the limit: a long pause must not pay off the whole queue at once
      this.accrue(until - this.lastRefill, this.pauseBase + this.burst);
      this.lastRefill = until;
    }
    if (now > this.lastRefill) {
      this.accrue(now - this.lastRefill, Number.POSITIVE_INFINITY);
      this.lastRefill = now;
    }
  }

  private accrue(ms: number, limit: number): void {
    const cap = Math.min(this.reserved + this.burst, limit);
    if (this.earned < cap) this.earned = Math.min(cap, this.earned + (ms * this.rate) / 1000);
  }

  private credit(tokens: number): void {
    this.earned = Math.min(this.reserved + this.burst, this.earned + tokens);
  }

  /** 0 when `ticket` may go now; otherwise whole ms until it may, or until the pause ends. */
  private waitMs(ticket: number, now: number): number {
    // nobody is served during a pause; re-check when it ends
    if (this.pausedUntil > now) return this.pausedUntil - now;
    return Math.max(0, Math.ceil(((ticket - this.earned) * 1000) / this.rate - EPSILON_MS));
  }
}

function positive(option: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw ConfigurationError.option(option, 'a finite number > 0', value);
  return value;
}

function atLeast(option: string, value: number, min: number): number {
  if (!(Number.isFinite(value) && value >= min)) throw ConfigurationError.option(option, `a finite number ≥ ${min}`, value);
  return value;
}
