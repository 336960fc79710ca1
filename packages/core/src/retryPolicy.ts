import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { InvalidOptionError, TransportError } from './errors.js';
import type { TransportErrorKind } from './errors.js';

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
 * split rather than resent, and an unknown error is most likely a bug that must not loop.
 *
 * @example
 * ```ts
 * isRetryableError(new TransportError('rate_limited', '429', { status: 429 })); // true
 * isRetryableError(new AuthenticationError('401', { status: 401 })); // false
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  // only the transport classifies failures; anything else (AuthenticationError, a TypeError…) is final
  if (!(error instanceof TransportError)) return false;
  return RETRYABLE_KINDS.has(error.kind);
}

const RETRYABLE_KINDS: ReadonlySet<TransportErrorKind> = new Set<TransportErrorKind>(['rate_limited', 'server', 'timeout', 'network']);

/**
 * The defaults of every retry in cioscale, in one place.
 *
 * @see {@link RetryPolicyOptions} for what each field means.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxElapsedMs: 300_000,
  random: Math.random,
  isRetryable: isRetryableError,
  onRetry: undefined,
  scheduler: asyncScheduler,
});

/**
 * Fills in the defaults and checks every value, once, before any request is made.
 *
 * @throws {@link InvalidOptionError} naming the first option out of range
 *
 * @example
 * ```ts
 * const policy = normalizeRetryPolicy({ maxAttempts: 3 }); // other fields from DEFAULT_RETRY_POLICY
 * ```
 */
export function normalizeRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(options) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new InvalidOptionError('maxAttempts', 'an integer ≥ 1', policy.maxAttempts);
  }
  for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[name]) || policy[name] < 0) throw new InvalidOptionError(name, 'a finite number of ms ≥ 0', policy[name]);
  }
  // Infinity is allowed: it leaves maxAttempts as the only limit
  if (Number.isNaN(policy.maxElapsedMs) || policy.maxElapsedMs < 0) {
    throw new InvalidOptionError('maxElapsedMs', 'a number of ms ≥ 0', policy.maxElapsedMs);
  }
  for (const name of ['random', 'isRetryable'] as const) {
    if (typeof policy[name] !== 'function') throw new InvalidOptionError(name, 'a function', typeof policy[name]);
  }
  if (policy.onRetry !== undefined && typeof policy.onRetry !== 'function') {
    throw new InvalidOptionError('onRetry', 'a function', typeof policy.onRetry);
  }
  if (typeof policy.scheduler?.now !== 'function') throw new InvalidOptionError('scheduler', 'an RxJS SchedulerLike', typeof policy.scheduler);
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
  return Math.max(jittered, retryAfterOf(error) ?? 0);
}

/** `retryAfterMs` of any error carrying one (TransportError, or a sibling class from another package). */
function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return undefined;
  const { retryAfterMs } = error;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : undefined;
}

/** Drops keys explicitly set to `undefined`, so they do not override the defaults when spread. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
