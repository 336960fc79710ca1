import { concatMap, from, map, take, throwIfEmpty } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { TokenSourceEmptyError } from '../errors.js';
import type { TokenSource } from '../tokenSource.js';

/**
 * Delays each value until the token source grants one request, keeping the order.
 *
 * <span class="informal">One token per value: at most as many values per second as the budget allows.</span>
 *
 * Values wait their turn one after another (`concatMap`), so a value only asks for a token once the one
 * before it has been released: the budget is shared with other streams in arrival order, never hoarded.
 * Completion is forwarded after the last value is released; errors pass through at once; unsubscribing
 * abandons the pending wait (a {@link TokenBucket} then gives the reserved token back).
 *
 * Unlike RxJS's `throttle`, which drops values, this one never drops: it waits.
 *
 * @param tokenSource - the workspace budget, in-process ({@link TokenBucket}) or shared (Redis)
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(DEFAULT_BUDGET);
 * batches$.pipe(awaitToken(bucket), concatMap((batch) => send(batch)));
 * ```
 *
 * @see {@link TokenSource}
 */
export function awaitToken<T>(tokenSource: TokenSource): MonoTypeOperatorFunction<T> {
  return concatMap((value: T) =>
    from(tokenSource.take()).pipe(
      take(1),
      // a source that completes without a grant would silently lose the value, and with it an outcome
      throwIfEmpty(() => new TokenSourceEmptyError()),
      map(() => value),
    ),
  );
}
