import { EMPTY, firstValueFrom, of, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TokenSourceEmptyError } from '../src/errors.js';
import { awaitToken } from '../src/operators/awaitToken.js';
import { TokenBucket } from '../src/tokenBucket.js';
import type { TokenSource } from '../src/tokenSource.js';
import { newTestScheduler } from './timeHelpers.js';

/** A token source whose n-th `take()` is the n-th of `grants`. */
function scriptedSource(grants: Observable<unknown>[]): TokenSource {
  let next = 0;
  return {
    take: () => grants[next++] ?? EMPTY,
    penalize: () => undefined,
    reward: () => undefined,
    state: () => ({ rate: 0, ceiling: 0, tokens: 0, pausedUntil: 0 }),
  };
}

describe('awaitToken', () => {
  it('releases values at the bucket rate, completing after the last one', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abc|');
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      expectObservable(source.pipe(awaitToken(bucket))).toBe('a 99ms b 99ms (c|)');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('keeps the order even when a later token would come sooner', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const grants = [cold('30ms g|'), cold('g|'), cold('10ms g|')];
      const source = cold('abc|');
      expectObservable(source.pipe(awaitToken(scriptedSource(grants)))).toBe('30ms (ab) 6ms (c|)');
      // one token per value, each asked for only after the previous value was released
      expectSubscriptions(grants[0]!.subscriptions).toBe('^ 29ms !');
      expectSubscriptions(grants[1]!.subscriptions).toBe('30ms (^!)');
      expectSubscriptions(grants[2]!.subscriptions).toBe('30ms ^ 9ms !');
    });
  });

  it('passes errors through at once, abandoning the pending wait and refunding its token', () => {
    const scheduler = newTestScheduler();
    const tokens: number[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      const error = new Error('source failed');
      expectObservable(cold('ab#', undefined, error).pipe(awaitToken(bucket))).toBe('a-#', { a: 'a' }, error);
      scheduler.schedule(() => tokens.push(bucket.state().tokens), 3);
    });
    // a took the only token; b's reservation was returned at 2 ms; 3 ms of refill on top
    expect(tokens[0]).toBeCloseTo(0.03);
  });

  it('cancels the pending wait when unsubscribed early', () => {
    newTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const grants = [cold('50ms g|'), cold('50ms g|')];
      const source = hot('ab');
      expectObservable(source.pipe(awaitToken(scriptedSource(grants))), '^ 69ms !').toBe('50ms a');
      expectSubscriptions(source.subscriptions).toBe('^ 69ms !');
      expectSubscriptions(grants[1]!.subscriptions).toBe('50ms ^ 19ms !');
    });
  });

  it('fails instead of dropping a value when the token source completes without a grant', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const result = cold('a|').pipe(awaitToken(scriptedSource([])));
      expectObservable(result).toBe('#', undefined, new TokenSourceEmptyError());
    });
  });

  it('accepts a promise-based token source (e.g. a Redis round trip)', async () => {
    const source: TokenSource = { ...scriptedSource([]), take: () => Promise.resolve(true) };
    await expect(firstValueFrom(of(1, 2, 3).pipe(awaitToken(source), toArray()))).resolves.toEqual([1, 2, 3]);
  });
});
