import type { LatencyPercentiles } from '@cioscale/core';
import type { GatewayReport } from '@cioscale/queue';
import type { CounterRates } from './counterRates.js';
import type { DepthTrend } from './depthTrend.js';
import type { WorkspaceReading } from './snapshot.js';

/** A workspace as the monitor shows it: the reading plus what two or more readings tell. */
export interface WorkspaceView {
  readonly name: string;
  readonly reading: WorkspaceReading;
  /** Fleet-wide per-second rates: the sum of every live worker's. */
  readonly rates: CounterRates;
  /** The worst percentile among the workers (a fleet is as slow as its slowest member), ms. */
  readonly latency: LatencyPercentiles;
  /** Operations held by the workers (in a batch or a request). */
  readonly inFlight: number;
  /** Workers serving this workspace. */
  readonly workers: number;
  /** Depth over every shard, its trend and the ETA to drain. */
  readonly depth: DepthTrend;
  /** Delivered operations/s and requests/s, one value per reading, oldest first. */
  readonly history: { readonly delivered: readonly number[]; readonly requests: readonly number[] };
}

/** A row of the workers table. */
export interface WorkerView {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly workspaces: readonly string[];
  readonly inFlight: number;
  /** Delivered operations/s over every workspace it serves. */
  readonly operationsPerSecond: number;
  readonly requestsPerSecond: number;
  /** Age of its latest report at the time of the reading, ms. */
  readonly lastSeenMs: number;
}

/** What the screen (and `--once --json`) shows. */
export interface MonitorView {
  readonly at: number;
  readonly redis: string;
  readonly namespace: string;
  readonly connected: boolean;
  readonly error?: string;
  /** When Redis last answered, ms since the epoch; `null` if it never did. */
  readonly lastConnectedAt: number | null;
  readonly workspaces: readonly WorkspaceView[];
  readonly workers: readonly WorkerView[];
  /** The ingest gateways' latest reports; their rates are per second already. */
  readonly gateways?: readonly GatewayReport[];
}
