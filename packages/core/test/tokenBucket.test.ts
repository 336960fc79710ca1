import { map, mergeMap } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/errors.js';
import { TokenBucket } from '../src/tokenBucket.js';
import type { TokenSourceState } from '../src/tokenSource.js';
import { newTestScheduler } from './timeHelpers.js';

/** Each letter of `callers` asks for a token when it arrives; emits the letter when granted. */
const grantsOf = (bucket: TokenBucket, callers: Observable<string>) => callers.pipe(mergeMap((name) => bucket.take().pipe(map(() => name))));

/** Runs `fn` at virtual time `ms` (inside `run`). */
const at = (scheduler: TestScheduler, ms: number, fn: () => void) => scheduler.schedule(fn, ms);

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces callers at the rate, first come first served', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 3, scheduler });
      const callers = hot('(abcde)');
      expectObservable(grantsOf(bucket, callers)).toBe('(abc) 95ms d 99ms e');
      expectSubscriptions(callers.subscriptions).toBe('^');
    });
  });

  it('emits how long the caller waited, and refills only up to burst', () => {
    const scheduler = newTestScheduler();
    const tokens: number[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      expectObservable(bucket.take()).toBe('(w|)', { w: 0 });
      expectObservable(bucket.take()).toBe('100ms (w|)', { w: 100 });
      // a long idle spell saves up one token (burst), not nine
      at(scheduler, 999, () => tokens.push(bucket.state().tokens));
      expectObservable(grantsOf(bucket, hot('1000ms (ab)'))).toBe('1000ms a 99ms b');
    });
    expect(tokens).toEqual([1]);
  });

  it('after burst and idle time, a late caller is served at once', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 2, scheduler });
      expectObservable(grantsOf(bucket, hot('(abc) 995ms (def)'))).toBe('(ab) 96ms c 899ms (de) 96ms f');
    });
  });

  it('penalize with Retry-After pauses everyone, cuts the rate and spaces the rest at the new rate', () => {
    const scheduler = newTestScheduler();
    const states: TokenSourceState[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      at(scheduler, 50, () => bucket.penalize(1000));
      at(scheduler, 60, () => states.push(bucket.state()));
      // a: the saved token; b and c: reserved at 0 for 100 and 200 ms; d arrives during the pause.
      // The pause saves up one token (burst) for b; c and d follow at 5 req/s.
      expectObservable(grantsOf(bucket, hot('(abc) 495ms d'))).toBe('a 1049ms b 99ms c 199ms d');
    });
    expect(states[0]).toMatchObject({ rate: 5, ceiling: 10, pausedUntil: 1050 });
    // 1.5 earned by 50 ms, + 10 ms at 5 req/s, for 3 reserved
    expect(states[0]?.tokens).toBeCloseTo(-1.45);
  });

  it('releases at most burst waiters when a long pause ends, not the whole queue', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 2, scheduler });
      at(scheduler, 10, () => bucket.penalize(5000));
      // c, d, e were due at 100, 200, 300; the pause saves up 2 tokens: c and d at its end, e at 5 req/s
      expectObservable(grantsOf(bucket, hot('(abcde)'))).toBe('(ab) 5006ms (cd) 176ms e');
    });
  });

  it('cuts the rate once per pause, not once per 429, and never below minRate', () => {
    const scheduler = newTestScheduler();
    const rates: number[] = [];
    scheduler.run(() => {
      const bucket = new TokenBucket({ rate: 100, minRate: 20, scheduler });
      for (let i = 0; i < 20; i++) bucket.penalize(500); // twenty 429s of one burst
      rates.push(bucket.state().rate);
      at(scheduler, 500, () => {
        bucket.penalize(500);
        rates.push(bucket.state().rate);
      });
      at(scheduler, 1000, () => {
        bucket.penalize(500);
        rates.push(bucket.state().rate);
      });
    });
    expect(rates).toEqual([50, 25, 20]);
  });

  it('penalize without Retry-After pauses for defaultPauseMs and forfeits saved tokens', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 5, defaultPauseMs: 400, scheduler });
      bucket.penalize();
      expect(bucket.state()).toEqual({ rate: 5, ceiling: 10, tokens: 0, pausedUntil: 400 });
      // granted when the pause ends, with what the pause saved up (2 of 5 tokens at 5 req/s)
      expectObservable(bucket.take()).toBe('400ms (w|)', { w: 400 });
      expectObservable(grantsOf(bucket, hot('400ms (ab)'))).toBe('400ms a 199ms b');
    });
  });

  it('reward grows the rate back additively to the ceiling, and not beyond', () => {
    const scheduler = newTestScheduler();
    const rates: number[] = [];
    scheduler.run(() => {
      const bucket = new TokenBucket({ rate: 10, scheduler }); // increasePerSecond: 1 req/s per s
      bucket.penalize(); // 1000 ms pause, rate 5
      at(scheduler, 500, () => bucket.reward()); // during the pause: no growth
      for (const ms of [500, 2000, 4000, 20_000]) at(scheduler, ms, () => (bucket.reward(), rates.push(bucket.state().rate)));
    });
    expect(rates).toEqual([5, 6, 8, 10]);
  });

  it('gives the token back when a waiter unsubscribes before its grant', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      expectObservable(bucket.take()).toBe('(w|)', { w: 0 });
      expectObservable(bucket.take(), '^ 49ms !').toBe(''); // reserved the slot at 100 ms, leaves at 50
      // c arrives at 60: without the refund its slot would be at 200 ms
      expectObservable(grantsOf(bucket, hot('60ms c'))).toBe('100ms c');
    });
  });

  it('cancels the waiter\'s timer and refunds its token on unsubscribe', () => {
    const scheduler = newTestScheduler();
    const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
    bucket.take().subscribe();
    const waiting = bucket.take().subscribe();
    expect(scheduler.actions).toHaveLength(1);
    expect(bucket.state().tokens).toBe(-1);
    waiting.unsubscribe();
    expect(scheduler.actions).toHaveLength(0);
    expect(bucket.state().tokens).toBe(0);
  });

  it('setCeiling moves a bucket at its ceiling at once, and clamps a lower one', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      bucket.setCeiling(20);
      expect(bucket.state()).toMatchObject({ rate: 20, ceiling: 20 });
      expectObservable(grantsOf(bucket, hot('(abc)'))).toBe('a 49ms b 49ms c');
      at(scheduler, 100, () => bucket.setCeiling(5));
      expectObservable(grantsOf(bucket, hot('100ms (de)'))).toBe('300ms d 199ms e');
    });
  });

  it('setCeiling lets a bucket recovering from a 429 keep growing towards the new ceiling', () => {
    const scheduler = newTestScheduler();
    const states: TokenSourceState[] = [];
    scheduler.run(() => {
      const bucket = new TokenBucket({ rate: 10, scheduler });
      bucket.penalize(0); // rate 5
      bucket.setCeiling(20); // growth now 2 req/s per s
      at(scheduler, 1000, () => (bucket.reward(), states.push(bucket.state())));
    });
    expect(states[0]).toMatchObject({ rate: 7, ceiling: 20 });
    expect(() => new TokenBucket().setCeiling(0)).toThrow(/"rate"/);
  });

  it('validates its options eagerly, naming the option', () => {
    expect(() => new TokenBucket({ rate: 0 })).toThrow(ConfigurationError);
    expect(() => new TokenBucket({ rate: Number.NaN })).toThrow(/"rate"/);
    expect(() => new TokenBucket({ burst: 0.5 })).toThrow(/"burst"/);
    expect(() => new TokenBucket({ decreaseFactor: 1.5 })).toThrow(/"decreaseFactor"/);
    expect(() => new TokenBucket({ rate: 10, minRate: 20 })).toThrow(/"minRate"/);
    expect(() => new TokenBucket({ defaultPauseMs: -1 })).toThrow(/"defaultPauseMs"/);
    expect(new TokenBucket().state()).toMatchObject({ rate: 100, ceiling: 100, tokens: 10, pausedUntil: 0 });
  });
});
