import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { every } from '../src/syncLoop.js';

describe('--every', () => {
  it('runs at once and then on every tick, and never starts a run while one is in progress', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable, cold }) => {
      const starts: number[] = [];
      let runs = 0;
      // runs take 3, 25 (longer than two intervals), then 3 ms; the interval is 10 ms
      const durations = [3, 25, 3, 3];
      const run = () => {
        starts.push(scheduler.now());
        const duration = durations[runs] ?? 3;
        runs += 1;
        return cold(`${'-'.repeat(duration - 1)}(x|)`, { x: `run ${runs}` });
      };
      expectObservable(every(10, run, scheduler), '^ 45ms !').toBe('2ms a 31ms b 7ms c', { a: 'run 1', b: 'run 2', c: 'run 3' });
      scheduler.flush();
      // run 2 started at 10 and ended at 35: the ticks at 20 and 30 were dropped, run 3 waited for 40
      expect(starts).toEqual([0, 10, 40]);
    });
  });
});
