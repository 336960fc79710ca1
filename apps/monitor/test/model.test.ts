import { describe, expect, it } from 'vitest';
import { advance, type MonitorState } from '../src/model/advance.js';
import { ratesOf, sampleReport } from '../src/model/counterRates.js';
import { addDepthSample, depthTrend } from '../src/model/depthTrend.js';
import { report, snapshot, worker, workspace } from './support/fixtures.js';

describe('worker rates', () => {
  it('come from the oldest and newest report in the window, on the worker\'s own clock', () => {
    let samples = sampleReport(undefined, report(1_000, { delivered: 0, requests: 0 }), 5_000);
    samples = sampleReport(samples, report(2_000, { delivered: 500, requests: 20 }), 5_000);
    samples = sampleReport(samples, report(3_000, { delivered: 2_000, requests: 80 }), 5_000);
    expect(ratesOf(samples, 3_100, 5_000)).toMatchObject({ delivered: 1_000, requests: 40 });
  });

  it('ignore the same report read twice, so a rate does not dip between publishes', () => {
    let samples = sampleReport(undefined, report(1_000), 5_000);
    samples = sampleReport(samples, report(2_000, { delivered: 100 }), 5_000);
    const again = sampleReport(samples, report(2_000, { delivered: 100 }), 5_000);
    expect(again).toBe(samples);
    expect(ratesOf(again, 2_500, 5_000).delivered).toBe(100);
  });

  it('are zero for a worker seen once and for one that stopped publishing', () => {
    const once = sampleReport(undefined, report(1_000, { delivered: 50 }), 5_000);
    expect(ratesOf(once, 1_000, 5_000).delivered).toBe(0);
    const twice = sampleReport(once, report(2_000, { delivered: 150 }), 5_000);
    expect(ratesOf(twice, 8_000, 5_000).delivered).toBe(0);
  });

  it('count from zero when a counter goes backwards (a restarted pipeline)', () => {
    const samples = sampleReport(sampleReport(undefined, report(1_000, { delivered: 900 }), 5_000), report(2_000, { delivered: 30 }), 5_000);
    expect(ratesOf(samples, 2_000, 5_000).delivered).toBe(30);
  });
});

describe('depth trend and ETA', () => {
  it('ETA = depth / net drain rate over the window', () => {
    const samples = [0, 1, 2].reduce((kept, second) => addDepthSample(kept, { at: second * 1_000, depth: 3_000 - second * 500 }, 15_000), [] as { at: number; depth: number }[]);
    expect(depthTrend(samples)).toEqual({ depth: 2_000, perSecond: -500, etaSeconds: 4 });
  });

  it('has no ETA while the queue grows or stays level, and 0 when empty', () => {
    expect(depthTrend([{ at: 0, depth: 10 }, { at: 1_000, depth: 20 }]).etaSeconds).toBeNull();
    expect(depthTrend([{ at: 0, depth: 10 }, { at: 1_000, depth: 10 }]).etaSeconds).toBeNull();
    expect(depthTrend([{ at: 0, depth: 10 }, { at: 1_000, depth: 0 }]).etaSeconds).toBe(0);
  });

  it('forgets samples older than the window', () => {
    const kept = addDepthSample([{ at: 0, depth: 1 }, { at: 10_000, depth: 2 }], { at: 20_000, depth: 3 }, 15_000);
    expect(kept.map((sample) => sample.at)).toEqual([10_000, 20_000]);
  });
});

describe('advance', () => {
  const readings = [
    snapshot(1_000, [workspace(5_000)], [worker('w1', report(1_000)), worker('w2', report(1_000))]),
    snapshot(2_000, [workspace(4_000)], [worker('w1', report(2_000, { delivered: 600, requests: 24, rateLimited: 1, inFlight: 40 })), worker('w2', report(2_000, { delivered: 400, requests: 16, retries: 2, inFlight: 10, latency: { p50: 9, p95: 40, p99: 90 } }))]),
  ];

  it('sums the workers into fleet rates, keeps the worst latency and derives depth, trend and ETA', () => {
    const state = readings.reduce<MonitorState | undefined>((previous, reading) => advance(previous, reading), undefined);
    const [view] = state?.view.workspaces ?? [];
    expect(view?.rates).toEqual({ delivered: 1_000, rejected: 0, failed: 0, requests: 40, rateLimited: 1, retries: 2 });
    expect(view?.latency).toEqual({ p50: 9, p95: 40, p99: 90 });
    expect(view?.inFlight).toBe(50);
    expect(view?.depth).toEqual({ depth: 4_000, perSecond: -1_000, etaSeconds: 4 });
    expect(view?.history.delivered).toEqual([0, 1_000]);
    expect(state?.view.workers.map((row) => [row.id, row.operationsPerSecond, row.inFlight])).toEqual([
      ['w1', 600, 40],
      ['w2', 400, 10],
    ]);
  });

  it('keeps the last figures, marked disconnected, when Redis goes away, and adds nothing to the history', () => {
    const connected = readings.reduce<MonitorState | undefined>((previous, reading) => advance(previous, reading), undefined);
    const lost = advance(connected, { at: 3_000, redis: 'redis://127.0.0.1:6379', namespace: 'cio', connected: false, error: 'connect ECONNREFUSED', workspaces: [], workers: [] });
    expect(lost.view).toMatchObject({ connected: false, error: 'connect ECONNREFUSED', lastConnectedAt: 2_000, at: 3_000 });
    expect(lost.view.workspaces[0]?.history.delivered).toEqual([0, 1_000]);
    expect(lost.view.workers).toHaveLength(2);
  });

  it('bounds the history to historySize readings', () => {
    let state: MonitorState | undefined;
    for (let second = 0; second < 10; second++) state = advance(state, snapshot(second * 1_000, [workspace(0)], []), { historySize: 3 });
    expect(state?.view.workspaces[0]?.history.requests).toHaveLength(3);
  });
});
