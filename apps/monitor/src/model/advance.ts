import type { LatencyPercentiles } from '@cioscale/core';
import { scan, type OperatorFunction } from 'rxjs';
import { addRates, NO_RATES, ratesOf, sampleReport, type CounterRates, type CounterSamples } from './counterRates.js';
import { addDepthSample, depthTrend, type DepthSample } from './depthTrend.js';
import { queueDepth, type MonitorSnapshot, type WorkerReading, type WorkspaceReading } from './snapshot.js';
import type { MonitorView, WorkerView, WorkspaceView } from './view.js';

/** How much the model remembers. */
export interface AdvanceOptions {
  /** Readings kept for the sparklines. @defaultValue 120 (two minutes at one reading a second) */
  readonly historySize?: number;
  /** Span of the depth trend, ms. @defaultValue 15_000 */
  readonly trendWindowMs?: number;
  /** Span over which a worker's rates are measured, ms. @defaultValue 5_000 */
  readonly rateWindowMs?: number;
  /** A worker whose latest report is older than this counts as idle, ms. @defaultValue 5_000 */
  readonly staleMs?: number;
}

/** The view plus what the next reading needs to compute rates and trends. */
export interface MonitorState {
  readonly view: MonitorView;
  /** Recent distinct reports per worker and workspace, keyed `worker\u0000workspace`. */
  readonly samples: ReadonlyMap<string, CounterSamples>;
  readonly depths: ReadonlyMap<string, readonly DepthSample[]>;
  readonly histories: ReadonlyMap<string, WorkspaceView['history']>;
}

/**
 * Folds one reading into the state: the pure heart of the monitor. A failed reading keeps the last figures
 * (marked disconnected) instead of blanking the screen, and adds nothing to histories or trends.
 */
export function advance(state: MonitorState | undefined, snapshot: MonitorSnapshot, options: AdvanceOptions = {}): MonitorState {
  const base = { at: snapshot.at, redis: snapshot.redis, namespace: snapshot.namespace, connected: snapshot.connected, ...(snapshot.error !== undefined && { error: snapshot.error }) };
  if (!snapshot.connected) {
    const view: MonitorView = { ...base, lastConnectedAt: state?.view.lastConnectedAt ?? null, workspaces: state?.view.workspaces ?? [], workers: state?.view.workers ?? [], ...(state?.view.gateways && { gateways: state.view.gateways }) };
    return { view, samples: state?.samples ?? new Map(), depths: state?.depths ?? new Map(), histories: state?.histories ?? new Map() };
  }
  const historySize = options.historySize ?? 120;
  const staleMs = options.staleMs ?? 5_000;
  const samples = new Map<string, CounterSamples>();
  for (const worker of snapshot.workers) {
    for (const [workspace, report] of Object.entries(worker.workspaces)) {
      const key = `${worker.id}\u0000${workspace}`;
      samples.set(key, sampleReport(state?.samples.get(key), report, options.rateWindowMs ?? 5_000));
    }
  }
  const rateOf = (worker: WorkerReading, workspace: string): CounterRates => {
    const kept = samples.get(`${worker.id}\u0000${workspace}`);
    return kept ? ratesOf(kept, snapshot.at, staleMs) : NO_RATES;
  };
  const depths = new Map<string, readonly DepthSample[]>();
  const histories = new Map<string, WorkspaceView['history']>();
  const workspaces = snapshot.workspaces.map((reading): WorkspaceView => {
    const serving = snapshot.workers.filter((worker) => worker.workspaces[reading.name] !== undefined);
    const rates = serving.reduce((sum, worker) => addRates(sum, rateOf(worker, reading.name)), NO_RATES);
    const depth = reading.queues.reduce((sum, queue) => sum + queueDepth(queue.counts), 0);
    const kept = addDepthSample(state?.depths.get(reading.name) ?? [], { at: snapshot.at, depth }, options.trendWindowMs ?? 15_000);
    depths.set(reading.name, kept);
    const previous = state?.histories.get(reading.name);
    const history = { delivered: [...(previous?.delivered ?? []), rates.delivered].slice(-historySize), requests: [...(previous?.requests ?? []), rates.requests].slice(-historySize) };
    histories.set(reading.name, history);
    return { name: reading.name, reading, rates, ...fleetFigures(serving, reading), workers: serving.length, depth: depthTrend(kept), history };
  });
  const workers = snapshot.workers.map((worker): WorkerView => {
    const names = Object.keys(worker.workspaces);
    const rates = names.reduce((sum, name) => addRates(sum, rateOf(worker, name)), NO_RATES);
    const inFlight = names.reduce((sum, name) => sum + (worker.workspaces[name]?.inFlight ?? 0), 0);
    return { id: worker.id, host: worker.host, pid: worker.pid, workspaces: names, inFlight, operationsPerSecond: rates.delivered, requestsPerSecond: rates.requests, lastSeenMs: Math.max(0, snapshot.at - worker.lastSeen) };
  });
  return { view: { ...base, lastConnectedAt: snapshot.at, workspaces, workers, ...(snapshot.gateways && { gateways: snapshot.gateways }) }, samples, depths, histories };
}

/** {@link advance} as an operator: folds each snapshot into the state and emits the state. */
export function foldSnapshots(options: AdvanceOptions = {}): OperatorFunction<MonitorSnapshot, MonitorState> {
  return scan<MonitorSnapshot, MonitorState, undefined>((state, snapshot) => advance(state, snapshot, options), undefined);
}

function fleetFigures(serving: readonly WorkerReading[], reading: WorkspaceReading): { latency: LatencyPercentiles; inFlight: number } {
  let latency: LatencyPercentiles = { p50: 0, p95: 0, p99: 0 };
  let inFlight = 0;
  for (const worker of serving) {
    const report = worker.workspaces[reading.name];
    if (!report) continue;
    inFlight += report.inFlight;
    latency = { p50: Math.max(latency.p50, report.latency.p50), p95: Math.max(latency.p95, report.latency.p95), p99: Math.max(latency.p99, report.latency.p99) };
  }
  return { latency, inFlight };
}
