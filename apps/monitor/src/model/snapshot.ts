import type { MetricsSnapshot } from '@cioscale/core';

/** BullMQ job counts of one queue. */
export interface JobCounts {
  readonly waiting: number;
  readonly prioritized: number;
  /** Jobs parked by a paused queue (BullMQ keeps them apart from `waiting` while paused). */
  readonly paused: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  /** Kept completed jobs: capped by the producer's `keepCompleted`, so not a throughput figure. */
  readonly completed: number;
}

/** One BullMQ queue (a shard of a workspace) as read from Redis. */
export interface QueueReading {
  readonly shard: number;
  /** The wait list key, e.g. `{cio:default}:ops:wait` — what KEDA and `redis-cli llen` read. */
  readonly waitList: string;
  /** Paused by an operator (`p` in the monitor, or BullMQ's `queue.pause()`): workers fetch nothing. */
  readonly paused: boolean;
  readonly counts: JobCounts;
}

/** A workspace's token bucket, straight from its hash in Redis. */
export interface BudgetReading {
  /** The budget, requests/s. */
  readonly ceiling: number;
  /** The rate in force after 429s (AIMD), requests/s; equals `ceiling` when healthy. */
  readonly rate: number;
  readonly burst: number;
  /** Tokens as of the last take, refilled to Redis's clock at read time. */
  readonly tokens: number;
  /** End of the fleet-wide pause after a 429, ms since the epoch; 0 when not paused. */
  readonly pausedUntil: number;
}

/** One dead-lettered operation, without its payload (customer data stays off the screen). */
export interface DeadLetterSample {
  readonly id: string;
  readonly status: 'rejected' | 'failed';
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
  readonly deadAt: number;
}

/** One workspace as read from Redis. */
export interface WorkspaceReading {
  readonly name: string;
  /** `null` until a worker (or a budget change) has created the bucket. */
  readonly budget: BudgetReading | null;
  readonly queues: readonly QueueReading[];
  /** Dead-letter records over every shard, and the most recent ones, newest first. */
  readonly deadLetters: { readonly count: number; readonly recent: readonly DeadLetterSample[] };
}

/** A live worker and the pipeline snapshot it published for each workspace it serves. */
export interface WorkerReading {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  /** When its latest report was taken, ms since the epoch. */
  readonly lastSeen: number;
  readonly workspaces: Readonly<Record<string, MetricsSnapshot>>;
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
}

/** Jobs still to deliver in a queue: everything not finished, the ones being worked on included. */
export function queueDepth(counts: JobCounts): number {
  return counts.waiting + counts.prioritized + counts.paused + counts.active + counts.delayed;
}
