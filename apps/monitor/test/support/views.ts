import { advance, type MonitorState } from '../../src/model/advance.js';
import type { MonitorSnapshot } from '../../src/model/snapshot.js';
import type { MonitorView } from '../../src/model/view.js';
import { report, snapshot, worker, workspace } from './fixtures.js';

/** Folds readings into the view the screen gets. */
export function viewOf(...readings: MonitorSnapshot[]): MonitorView {
  const state = readings.reduce<MonitorState | undefined>((previous, reading) => advance(previous, reading), undefined);
  if (!state) throw new Error('viewOf needs at least one reading');
  return state.view;
}

/**
 * A busy fleet: two workers delivering 1,000 ops/s with `requests` req/s against a 100 req/s budget,
 * a queue draining from 5,000 to 4,000 in a second.
 */
export function busyView(requests = 40, overrides: Parameters<typeof workspace>[1] = {}): MonitorView {
  return viewOf(
    snapshot(1_000, [workspace(5_000, overrides)], [worker('worker-a', report(1_000)), worker('worker-b', report(1_000))]),
    snapshot(2_000, [workspace(4_000, overrides)], [
      worker('worker-a', report(2_000, { delivered: 600, requests: requests / 2, inFlight: 40, latency: { p50: 12, p95: 48, p99: 95 } })),
      worker('worker-b', report(2_000, { delivered: 400, requests: requests / 2, rateLimited: 2, retries: 3, inFlight: 10 })),
    ]),
  );
}

/** Removes ANSI escapes (the tests force colours on to check them where they matter). */
export function plain(frame: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');
}
