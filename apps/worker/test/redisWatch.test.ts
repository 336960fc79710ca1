import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchRedis } from '../src/redisWatch.js';

// the real connection is exercised by redisAuth.test.ts (a spawned worker, a real Redis); here the summary's clock
afterEach(() => {
  vi.useRealTimers();
});

describe('watchRedis', () => {
  it('logs the first error, then one summary with a count per period, then the recovery with the total', () => {
    vi.useFakeTimers();
    const redis = new EventEmitter();
    const lines: string[] = [];
    const watch = watchRedis(redis, 'redis://127.0.0.1:6379', (line) => lines.push(line), { summaryMs: 10_000 });
    const wrongPass = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { name: 'ReplyError' });
    redis.emit('error', wrongPass);
    for (let index = 0; index < 5; index++) redis.emit('error', wrongPass);
    expect(watch.absorb(wrongPass)).toBe(true);
    expect(watch.absorb(new Error('Missing key for job 7'))).toBe(false);
    expect(lines).toEqual(['redis: cannot reach redis://127.0.0.1:6379 (WRONGPASS invalid username-password pair or user is disabled.); retrying, /readyz answers 503 until it is back']);
    vi.advanceTimersByTime(10_000);
    expect(lines[1]).toBe('redis: still cannot reach redis://127.0.0.1:6379 (WRONGPASS invalid username-password pair or user is disabled.); 6 more error(s) in the last 10 s');
    // a quiet period prints nothing
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
    redis.emit('error', wrongPass);
    redis.emit('ready');
    expect(lines[2]).toBe('redis: connected to redis://127.0.0.1:6379 after 7 more error(s) while it was unreachable');
    expect(watch.isDown()).toBe(false);
    // once connected, errors are the worker's to log again
    expect(watch.absorb(wrongPass)).toBe(false);
    watch.stop();
  });
});
