import { defer, retry, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { RetriesExhaustedError } from '../errors.js';
import { backoffDelayMs, normalizeRetryPolicy } from '../retryPolicy.js';
import type { RetryPolicyOptions } from '../retryPolicy.js';

/**
 * Re-subscribes to the source after a retryable error, waiting an exponential backoff with full jitter.
 *
 * <span class="informal">Try the request again later, unless retrying cannot help or the budget is spent.</span>
 *
 * Meant for one unit of work, typically `defer(() => transport(batch))`: attempts and elapsed time count
 * from the first subscription and are never reset. A non-retryable error (401/403, 400, 413, any
 * non-transport error) is passed through unchanged at once. When the next attempt would exceed
 * `maxAttempts`, or its wait would end past `maxElapsedMs`, the stream errors with a
 * {@link RetriesExhaustedError} whose `cause` is the last error.
 *
 * @param policy - see {@link RetryPolicyOptions}; validated when the operator is created
 *
 * @example
 * ```ts
 * const response$ = defer(() => transport(batch)).pipe(
 *   retryWithBackoff({ maxAttempts: 5, onRetry: (error, attempt, delayMs) => metrics.retry(delayMs) }),
 * );
 * ```
 *
 * @see {@link backoffDelayMs} for the delay, {@link isRetryableError} for what is retried.
 */
export function retryWithBackoff<T>(policy?: RetryPolicyOptions): MonoTypeOperatorFunction<T> {
  const options = normalizeRetryPolicy(policy);
  const { scheduler } = options;

  return (source) =>
    // defer: each subscriber gets its own clock start
    defer(() => {
      const startedAt = scheduler.now();
      return source.pipe(
        retry({
          delay: (error: unknown, attempt: number) => {
            // a bug or a refusal: retrying would only repeat it
            if (!options.isRetryable(error)) return throwError(() => error);
            const elapsed = scheduler.now() - startedAt;
            // `attempt` attempts have been made; the next one would be one too many
            if (attempt >= options.maxAttempts) return throwError(() => new RetriesExhaustedError(attempt, elapsed, error));
            const delayMs = backoffDelayMs(attempt, options, error);
            // waiting would already spend the time budget
            if (elapsed + delayMs > options.maxElapsedMs) return throwError(() => new RetriesExhaustedError(attempt, elapsed, error));
            options.onRetry?.(error, attempt, delayMs);
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
}
