import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { DEFAULT_RETRY } from './defaults.js';
import { codeOf, ConfigurationError } from './errors.js';
import { retryAfterMsOf } from './transportErrors.js';

/** How failed requests are retried. Every field is optional; see {@link DEFAULT_RETRY_POLICY}. */
export interface RetryPolicyOptions {
  /** Total attempts, the first one included. @defaultValue 8 */
  readonly maxAttempts?: number;
  /** Backoff ceiling of the first retry, in ms; doubles with each attempt. @defaultValue 250 */
  readonly baseDelayMs?: number;
  /** Cap of the backoff ceiling, in ms. A longer `Retry-After` is still honoured. @defaultValue 30_000 */
  readonly maxDelayMs?: number;
  /** Time budget for all attempts and waits together, in ms from the first subscription. @defaultValue 300_000 */
  readonly maxElapsedMs?: number;
  /** Source of jitter, returning a number in [0, 1). Inject a constant in tests. @defaultValue Math.random */
  readonly random?: () => number;
  /** Decides whether an error is worth another attempt. @defaultValue {@link isRetryableError} */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to count retries in metrics. `attempt` is the attempt that just failed. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Clock and timers of the waits. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** A {@link RetryPolicyOptions} with every default filled in and every value checked. */
export type RetryPolicy = Required<Omit<RetryPolicyOptions, 'onRetry'>> & Pick<RetryPolicyOptions, 'onRetry'>;

/**
 * True for failures that another attempt may cure: 429, 408/5xx, timeouts and network errors.
 *
 * Everything else stops at once: bad credentials would only be refused again, a 400/413 needs the batch
 * split rather than resent, and an unknown error is most likely a bug that must not loop. Decided by
 * `code`, so an error from another copy of `@cioscale/core` (or any object with the right code) counts.
 *
 * @example
 * ```ts
 * isRetryableError(new RateLimitedError('429', { status: 429 })); // true
 * isRetryableError(new AuthenticationError('401', { status: 401 })); // false
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  // only the transport classifies failures; anything else (CIO_AUTH, a TypeError…) is final
  const code = codeOf(error);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

const RETRYABLE_CODES: ReadonlySet<string> = new Set(['CIO_TRANSPORT_RATE_LIMITED', 'CIO_TRANSPORT_SERVER', 'CIO_TRANSPORT_TIMEOUT', 'CIO_TRANSPORT_NETWORK']);

/**
 * The defaults of every retry in cioscale, in one place.
 *
 * @see {@link RetryPolicyOptions} for what each field means.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  ...DEFAULT_RETRY,
  random: Math.random,
  isRetryable: isRetryableError,
  onRetry: undefined,
  scheduler: asyncScheduler,
});

/**
 * Fills in the defaults and checks every value, once, before any request is made.
 *
 * @throws {@link ConfigurationError} naming the first option out of range
 *
 * @example
 * ```ts
 * const policy = normalizeRetryPolicy({ maxAttempts: 3 }); // other fields from DEFAULT_RETRY_POLICY
 * ```
 */
export function normalizeRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(options) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw ConfigurationError.option('maxAttempts', 'an integer ≥ 1', policy.maxAttempts);
  }
  for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[name]) || policy[name] < 0) throw ConfigurationError.option(name, 'a finite number of ms ≥ 0', policy[name]);
  }
  // Infinity is allowed: it leaves maxAttempts as the only limit
  if (Number.isNaN(policy.maxElapsedMs) || policy.maxElapsedMs < 0) {
    throw ConfigurationError.option('maxElapsedMs', 'a number of ms ≥ 0', policy.maxElapsedMs);
  }
  for (const name of ['random', 'isRetryable'] as const) {
    if (typeof policy[name] !== 'function') throw ConfigurationError.option(name, 'a function', typeof policy[name]);
  }
  if (policy.onRetry !== undefined && typeof policy.onRetry !== 'function') {
    throw ConfigurationError.option('onRetry', 'a function', typeof policy.onRetry);
  }
  if (typeof policy.scheduler?.now !== 'function') throw ConfigurationError.option('scheduler', 'an RxJS SchedulerLike', typeof policy.scheduler);
  return policy;
}

/**
 * How long to wait after attempt `attempt` (1-based) failed with `error`, in whole ms.
 *
 * Full jitter: a uniform pick between 0 and `min(maxDelayMs, baseDelayMs × 2^(attempt-1))`, which spreads
 * a crowd of clients that failed together. A `retryAfterMs` on the error is a floor, even above the cap:
 * Customer.io said when it will accept requests again, and earlier attempts would only earn more 429s.
 *
 * @example
 * ```ts
 * backoffDelayMs(3, normalizeRetryPolicy({ random: () => 0.5 }), error); // 0.5 × 250 × 4 = 500
 * ```
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, error: unknown): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(policy.random() * ceiling);
  return Math.max(jittered, retryAfterMsOf(error) ?? 0);
}

/** Drops keys explicitly set to `undefined`, so they do not override the defaults when spread. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
