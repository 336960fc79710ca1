import { defer } from 'rxjs';
import type { Observable } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { AuthenticationError, RetriesExhaustedError } from '../src/errors.js';
import { transportError } from '../src/transportErrors.js';
import type { TransportErrorKind } from '../src/transportErrors.js';
import { retryWithBackoff } from '../src/operators/retryWithBackoff.js';
import { newTestScheduler } from './timeHelpers.js';

/** Delays of 0.5 × 100 × 2^(attempt-1): 50, 100, 200… */
const halfJitter = { random: () => 0.5, baseDelayMs: 100 };

/** Subscribes to the n-th observable on the n-th attempt. */
const attempts = <T>(list: Observable<T>[]) => {
  let n = 0;
  return defer(() => list[n++]!);
};

describe('retryWithBackoff', () => {
  it.each<[TransportErrorKind, number | undefined]>([
    ['rate_limited', 429],
    ['server', 503],
    ['timeout', undefined],
    ['network', undefined],
  ])('retries %s (%s) after full-jitter delays', (kind, status) => {
    const scheduler = newTestScheduler();
    const error = transportError(kind, `${kind} failure`, { status });
    const onRetry = vi.fn();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const tries = [cold('-#', undefined, error), cold('-#', undefined, error), cold('-a|')];
      const result = attempts(tries).pipe(retryWithBackoff({ ...halfJitter, onRetry, scheduler }));
      // fails at 1, waits 50; fails at 52, waits 100; succeeds at 153
      expectObservable(result).toBe('153ms a|');
      expectSubscriptions(tries[0]!.subscriptions).toBe('^!');
      expectSubscriptions(tries[1]!.subscriptions).toBe('51ms ^!');
      expectSubscriptions(tries[2]!.subscriptions).toBe('152ms ^-!');
    });
    expect(onRetry.mock.calls).toEqual([
      [error, 1, 50],
      [error, 2, 100],
    ]);
  });

  it('scales the delay by the injected random number, capped by maxDelayMs', () => {
    const scheduler = newTestScheduler();
    const onRetry = vi.fn();
    scheduler.run(({ cold, expectObservable }) => {
      const error = transportError('server', '502', { status: 502 });
      const source = cold('-#', undefined, error);
      const options = { random: () => 0.25, baseDelayMs: 100, maxDelayMs: 200, maxAttempts: 5, onRetry, scheduler };
      expectObservable(source.pipe(retryWithBackoff(options))).toBe('180ms #', undefined, new RetriesExhaustedError(5, 180, error));
    });
    // 0.25 × min(200, 100, 200, 400, 800)
    expect(onRetry.mock.calls.map(([, , delayMs]) => delayMs)).toEqual([25, 50, 50, 50]);
  });

  it('waits at least the Retry-After Customer.io asked for, even above the cap', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slowDown = transportError('rate_limited', '429', { status: 429, retryAfterMs: 2000 });
      const brief = transportError('rate_limited', '429', { status: 429, retryAfterMs: 10 });
      const tries = [cold('-#', undefined, slowDown), cold('-#', undefined, brief), cold('-a|')];
      const result = attempts(tries).pipe(retryWithBackoff({ ...halfJitter, maxDelayMs: 1000, scheduler }));
      // 2000 ms (Retry-After beats the 50 ms jitter and the cap), then 100 ms (jitter beats a 10 ms Retry-After)
      expectObservable(result).toBe('2103ms a|');
      expectSubscriptions(tries[1]!.subscriptions).toBe('2001ms ^!');
      expectSubscriptions(tries[2]!.subscriptions).toBe('2102ms ^-!');
    });
  });

  it.each([
    ['AuthenticationError (401)', new AuthenticationError('Customer.io refused the credentials', { status: 401 })],
    ['bad_request (400)', transportError('bad_request', 'invalid batch', { status: 400 })],
    ['too_large (413)', transportError('too_large', 'request too large', { status: 413 })],
    ['unexpected (418)', transportError('unexpected', "I'm a teapot", { status: 418 })],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
  ])('passes %s through at once, unchanged', (_, error) => {
    const scheduler = newTestScheduler();
    const onRetry = vi.fn();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a#', { a: 1 }, error);
      expectObservable(source.pipe(retryWithBackoff({ onRetry, scheduler }))).toBe('a#', { a: 1 }, error);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('gives up with RetriesExhaustedError after maxAttempts', () => {
    const scheduler = newTestScheduler();
    const error = transportError('server', '500', { status: 500 });
    let given: unknown;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, error);
      const result = source.pipe(retryWithBackoff({ ...halfJitter, maxAttempts: 3, scheduler }));
      expectObservable(result).toBe('153ms #', undefined, new RetriesExhaustedError(3, 153, error));
      expectSubscriptions(source.subscriptions).toBe(['^!', '51ms ^!', '152ms ^!']);
    });
    newTestScheduler().run(({ cold }) => {
      cold('-#', undefined, error).pipe(retryWithBackoff({ maxAttempts: 2 })).subscribe({ error: (e: unknown) => (given = e) });
    });
    expect(given).toBeInstanceOf(RetriesExhaustedError);
    expect(given).toMatchObject({ code: 'CIO_RETRIES_EXHAUSTED', attempts: 2, cause: error });
  });

  it('gives up with RetriesExhaustedError when the next wait would exceed maxElapsedMs', () => {
    const scheduler = newTestScheduler();
    const error = transportError('timeout', 'no answer in 10 s');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, error);
      // at 52 ms the second wait (100 ms) would end at 152 > 120
      const result = source.pipe(retryWithBackoff({ ...halfJitter, maxElapsedMs: 120, scheduler }));
      expectObservable(result).toBe('52ms #', undefined, new RetriesExhaustedError(2, 52, error));
      expectSubscriptions(source.subscriptions).toBe(['^!', '51ms ^!']);
    });
  });

  it('passes values and completion through', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('ab|');
      expectObservable(source.pipe(retryWithBackoff())).toBe('ab|');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('does not resubscribe after an early unsubscribe during the wait', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, transportError('network', 'ECONNRESET'));
      expectObservable(source.pipe(retryWithBackoff({ ...halfJitter, scheduler })), '^ 20ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });
});
