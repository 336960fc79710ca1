import { Writable } from 'node:stream';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { monitorSnapshots, type SnapshotReader } from '../src/model/monitorSnapshots.js';
import type { MonitorSnapshot } from '../src/model/snapshot.js';
import { readOnce } from '../src/once.js';
import { streamJson } from '../src/streamJson.js';
import { snapshot, workspace } from './support/fixtures.js';

const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A connected reading of `waiting` jobs, taken at `at`. */
const reading = (at: number, waiting = 0): MonitorSnapshot => snapshot(at, [workspace(waiting)], []);
const lost = (at: number, error: string): MonitorSnapshot => ({ at, redis: 'redis://127.0.0.1:6379', namespace: 'cio', connected: false, error, workspaces: [], workers: [] });

/** A reader whose n-th reading is `readings[n]` (a cold observable); counts how many it was asked for. */
function fakeReader(readings: readonly Observable<MonitorSnapshot>[]): SnapshotReader & { readonly calls: number } {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    read: () => {
      const next = readings[calls++];
      if (!next) throw new Error(`reading ${calls} was not expected`);
      return next;
    },
    disconnected: (error, at) => lost(at, error instanceof Error ? error.message : String(error)),
  };
}

describe('monitorSnapshots', () => {
  it('reads at subscription, then an interval after each reading returned: never two at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // the second reading is slow: the third waits for it, then the interval
      const readings = [cold('-(a|)', { a: reading(1) }), cold('---(b|)', { b: reading(9) }), cold('-(c|)', { c: reading(15) })];
      const reader = fakeReader(readings);
      expectObservable(monitorSnapshots(reader, { intervalMs: 5, scheduler }), '^ 16ms !').toBe('-a 7ms b 5ms c', { a: reading(1), b: reading(9), c: reading(15) });
      expectSubscriptions(readings[0]!.subscriptions).toBe('^!');
      expectSubscriptions(readings[1]!.subscriptions).toBe('6ms ^--!');
      expectSubscriptions(readings[2]!.subscriptions).toBe('14ms ^!');
    });
  });

  it('turns a reading that fails into a disconnected snapshot and recovers at the next one', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const reader = fakeReader([cold('-(a|)', { a: reading(1, 3) }), cold('--#', undefined, new Error('connect ECONNREFUSED')), cold('-(c|)', { c: reading(15, 2) })]);
      expectObservable(monitorSnapshots(reader, { intervalMs: 5, scheduler }), '^ 16ms !').toBe('-a 6ms x 5ms c', {
        a: reading(1, 3),
        // stamped when the failed reading started
        x: lost(6, 'connect ECONNREFUSED'),
        c: reading(15, 2),
      });
    });
  });

  it('stops reading when unsubscribed, also in the middle of a reading', () => {
    const scheduler = testScheduler();
    let reader = fakeReader([]);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const readings = [cold('-(a|)', { a: reading(1) }), cold('---(b|)', { b: reading(9) })];
      reader = fakeReader(readings);
      expectObservable(monitorSnapshots(reader, { intervalMs: 5, scheduler }), '^ 7ms !').toBe('-a', { a: reading(1) });
      expectSubscriptions(readings[1]!.subscriptions).toBe('6ms ^-!');
    });
    // the virtual clock ran on after the unsubscription: no reading was started again
    expect(reader.calls).toBe(2);
  });

  it('reads at once on a refresh between readings, and ignores one during a reading', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const reader = fakeReader([cold('-(a|)', { a: reading(1) }), cold('--(b|)', { b: reading(5) }), cold('-(c|)', { c: reading(13) })]);
      // r at 3 (waiting: read now), r at 4 (reading: ignored)
      const refresh = hot('---rr');
      expectObservable(monitorSnapshots(reader, { intervalMs: 7, refresh, scheduler }), '^ 14ms !').toBe('-a 3ms b 7ms c', { a: reading(1), b: reading(5), c: reading(13) });
    });
  });
});

describe('the stream\'s consumers', () => {
  it('--once folds two readings an interval apart into one view with rates', async () => {
    const scheduler = testScheduler();
    let view: Promise<Awaited<ReturnType<typeof readOnce>>> | undefined;
    scheduler.run(({ cold }) => {
      const reader = fakeReader([cold('-(a|)', { a: reading(1_000, 30) }), cold('-(b|)', { b: reading(3_000, 10) })]);
      view = readOnce(reader, 1_000, scheduler);
    });
    const seen = await view;
    expect(seen?.connected).toBe(true);
    expect(seen?.workspaces[0]?.depth).toEqual({ depth: 10, perSecond: -10, etaSeconds: 1 });
  });

  it('--once takes one reading only when Redis did not answer', async () => {
    const scheduler = testScheduler();
    let view: ReturnType<typeof readOnce> | undefined;
    const reader = fakeReader([]);
    scheduler.run(({ cold }) => {
      view = readOnce({ ...reader, read: () => cold('-#', undefined, new Error('ECONNREFUSED')) }, 1_000, scheduler);
    });
    expect(await view).toMatchObject({ connected: false, error: 'ECONNREFUSED', lastConnectedAt: null });
  });

  it('--json writes one line per reading until stopped', async () => {
    const scheduler = testScheduler();
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const stop = new AbortController();
    let streaming: Promise<void> | undefined;
    scheduler.run(({ cold }) => {
      const reader = fakeReader([cold('-(a|)', { a: reading(1, 4) }), cold('-(b|)', { b: reading(7, 3) }), cold('-(c|)', { c: reading(13, 2) })]);
      streaming = streamJson(reader, 5, out, { signal: stop.signal, scheduler });
      scheduler.schedule(() => stop.abort(), 10);
    });
    await streaming;
    expect(lines.map((line) => (JSON.parse(line) as { workspaces: { depth: { depth: number } }[] }).workspaces[0]?.depth.depth)).toEqual([4, 3]);
    expect(lines.every((line) => line.endsWith('}\n'))).toBe(true);
  });
});
