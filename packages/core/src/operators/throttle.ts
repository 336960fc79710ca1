import { concatMap, from, map, take, throwIfEmpty } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { CioscaleError } from '../errors.js';
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
 * Not RxJS's own `throttle`, which drops values; this one never drops.
 *
 * @param tokenSource - the workspace budget, in-process ({@link TokenBucket}) or shared (Redis)
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ rate: 100, burst: 10 });
 * batches$.pipe(throttle(bucket), concatMap((batch) => send(batch)));
 * ```
 *
 * @see {@link TokenSource}
 */
export function throttle<T>(tokenSource: TokenSource): MonoTypeOperatorFunction<T> {
  return concatMap((value: T) =>
    from(tokenSource.take()).pipe(
      take(1),
      // a source that completes without a grant would silently lose the value, and with it an outcome
      throwIfEmpty(() => new CioscaleError('CIO_TOKEN_SOURCE_EMPTY', 'the token source completed without granting a token')),
      map(() => value),
    ),
  );
}
