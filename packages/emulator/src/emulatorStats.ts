/**
 * What `stats()` and `GET /__emulator/stats` report, in one place so the two never differ: a workspace's
 * Track counters and ledger, and, when the emulator serves Data Pipelines, that workspace's Pipelines counters
 * under `pipelines` (requests, calls applied, 429s, strict and silently dropped requests).
 */
import type { PipelinesCounters, PipelinesState } from './pipelines/pipelinesState.js';
import type { EmulatorState, ServerCounters } from './state.js';
import type { WorkspaceStats } from './workspace.js';

/** A workspace's Pipelines counters plus the requests that reached no workspace there. */
export interface PipelinesStats extends PipelinesCounters {
  readonly siteId: string;
  readonly server: { readonly unauthorized: number; readonly notFound: number };
}

/** A workspace's stats plus the counters of requests that reached no workspace. */
export interface EmulatorStats extends WorkspaceStats {
  readonly server: ServerCounters;
  /**
   * The workspace's Data Pipelines counters, when the emulator serves Pipelines (`pipelines` option,
   * `--pipelines-port`); absent otherwise. The ledger and `acceptedOperations` above are shared by both APIs.
   */
  readonly pipelines?: PipelinesStats;
}

/** The Pipelines counters of `siteId` (the first workspace when undefined); undefined without a Pipelines port. */
export function pipelinesStatsOf(state: EmulatorState, pipelines: PipelinesState | undefined, siteId?: string): PipelinesStats | undefined {
  const side = pipelines?.workspace(state.requireWorkspace(siteId).siteId);
  if (pipelines === undefined || side === undefined) return undefined;
  return { siteId: side.workspace.siteId, ...structuredClone(side.counters), server: { unauthorized: pipelines.unauthorized, notFound: pipelines.notFound } };
}

/** The stats of `siteId` (the first workspace when undefined). @throws when no workspace has that site id */
export function emulatorStats(state: EmulatorState, pipelines: PipelinesState | undefined, siteId?: string): EmulatorStats {
  const stats = { ...state.requireWorkspace(siteId).stats(), server: { ...state.server } };
  const side = pipelinesStatsOf(state, pipelines, siteId);
  return side === undefined ? stats : { ...stats, pipelines: side };
}

/** Forgets ledger and counters, Pipelines' too, of one workspace or of every workspace. */
export function resetEmulator(state: EmulatorState, pipelines: PipelinesState | undefined, siteId?: string): void {
  state.reset(siteId);
  pipelines?.reset(siteId);
}
