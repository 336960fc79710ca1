import type { MetricsSnapshot } from '@cioscale/core';
import type { MonitorSnapshot, WorkerReading, WorkspaceReading } from '../../src/model/snapshot.js';

/** A worker's pipeline report with every counter at zero unless given. */
export function report(at: number, counters: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    at,
    operationsIn: 0,
    delivered: 0,
    rejected: 0,
    failed: 0,
    requests: 0,
    rateLimited: 0,
    retries: 0,
    bytes: 0,
    inFlight: 0,
    requestsInFlight: 0,
    latency: { p50: 0, p95: 0, p99: 0 },
    ...counters,
  };
}

/** A live worker serving `default` with `snapshot`. */
export function worker(id: string, snapshot: MetricsSnapshot): WorkerReading {
  return { id, host: 'host-a', pid: 1, startedAt: 0, lastSeen: snapshot.at, workspaces: { default: snapshot } };
}

/** The `default` workspace with one queue holding `waiting` jobs. */
export function workspace(waiting: number, overrides: Partial<WorkspaceReading> = {}): WorkspaceReading {
  return {
    name: 'default',
    budget: { ceiling: 100, rate: 100, burst: 10, tokens: 10, pausedUntil: 0 },
    queues: [{ shard: 0, waitList: '{cio:default}:ops:wait', paused: false, counts: { waiting, prioritized: 0, paused: 0, active: 0, delayed: 0, failed: 0, completed: 0 } }],
    deadLetters: { count: 0, recent: [] },
    ...overrides,
  };
}

/** A connected reading at `at`. */
export function snapshot(at: number, workspaces: readonly WorkspaceReading[], workers: readonly WorkerReading[]): MonitorSnapshot {
  return { at, redis: 'redis://127.0.0.1:6379', namespace: 'cio', connected: true, workspaces, workers };
}
