import type { BudgetReading, BulkControl, BulkRunReport, DeadLetterSummary, GatewayReport, JobCounts, LanesReading, QueueReading, WorkerReading } from '@cioscale/queue';

// What each reader of the queue package returns; a snapshot is made of them.
export type { BudgetReading, BulkControl, BulkRunReport, LanesReading, DeadLetterSample, DeadLetterSummary, JobCounts, QueueReading, WorkerReading } from '@cioscale/queue';

/** One workspace as read from Redis. */
export interface WorkspaceReading {
  readonly name: string;
  /** `null` until a worker (or a budget change) has created the bucket. */
  readonly budget: BudgetReading | null;
  readonly queues: readonly QueueReading[];
  /** Dead-letter records over every shard, and the most recent ones, newest first. */
  readonly deadLetters: DeadLetterSummary;
  /** The budget's live and bulk lanes; `null` without a bucket (absent in readings made before lanes). */
  readonly lanes?: LanesReading | null;
  /** The bulk runs (importers on the shared budget) and the command they follow. */
  readonly bulk?: { readonly control: BulkControl; readonly runs: readonly BulkRunReport[] };
}

/**
 * Everything the monitor read from Redis at one instant. Counters are totals; rates come from two
 * snapshots (see `advance`). JSON-safe, and holds no secret: the Redis target is shown without password.
 */
export interface MonitorSnapshot {
  /** When the read started, ms since the epoch. */
  readonly at: number;
  /** The Redis target without its password. */
  readonly redis: string;
  readonly namespace: string;
  readonly connected: boolean;
  /** Why the read failed, when `connected` is false. */
  readonly error?: string;
  readonly workspaces: readonly WorkspaceReading[];
  readonly workers: readonly WorkerReading[];
  /** The ingest gateways' latest reports (apps/gateway), when any gateway publishes. */
  readonly gateways?: readonly GatewayReport[];
}

/** Jobs still to deliver in a queue: everything not finished, the ones being worked on included. */
export function queueDepth(counts: JobCounts): number {
  return counts.waiting + counts.prioritized + counts.paused + counts.active + counts.delayed;
}
