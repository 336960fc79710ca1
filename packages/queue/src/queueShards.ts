import { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import { DeadLetter } from './deadLetter.js';
import type { OperationJobData } from './jobData.js';
import { checkName, DEFAULT_NAMESPACE, queueLocation, waitListKey, type QueueLocation } from './keys.js';
import { replayDeadLetters, type ReplayOptions } from './replay.js';

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
  /** Paused by an operator (the monitor's `p`, or BullMQ's `queue.pause()`): workers fetch nothing. */
  readonly paused: boolean;
  readonly counts: JobCounts;
}

const STATES = ['waiting', 'prioritized', 'paused', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * The BullMQ queues of workspaces' shards, opened on first use on one connection (the caller's, which it
 * keeps), for what an operator reads and does: job counts, pause and resume, the dead letter and its replay.
 *
 * @example
 * const shards = new QueueShards(redis);
 * const [shard0] = await shards.read('default', 1); // shard0.counts.waiting
 * await shards.setPaused('default', 0, true);
 * await shards.replayDeadLetters('default', 0, { limit: 10 });
 */
export class QueueShards {
  private readonly open = new Map<string, Queue<OperationJobData>>();
  private readonly namespace: string;

  constructor(
    private readonly redis: RedisClient,
    namespace = DEFAULT_NAMESPACE,
  ) {
    this.namespace = checkName('namespace', namespace);
  }

  /** Counts and pause state of shards 0 … `shards` − 1 of `workspace`. Writes nothing. */
  read(workspace: string, shards: number): Promise<QueueReading[]> {
    return Promise.all(
      Array.from({ length: shards }, async (_, shard): Promise<QueueReading> => {
        const { queue, waitList } = this.queue(workspace, shard);
        const [counts, paused] = await Promise.all([queue.getJobCounts(...STATES), queue.isPaused()]);
        const jobCounts = Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])) as unknown as JobCounts;
        return { shard, waitList, paused, counts: jobCounts };
      }),
    );
  }

  /** Pauses or resumes one shard for the whole fleet (BullMQ's queue-level pause: workers fetch nothing, jobs stay). */
  async setPaused(workspace: string, shard: number, paused: boolean): Promise<void> {
    const { queue } = this.queue(workspace, shard);
    await (paused ? queue.pause() : queue.resume());
  }

  /** The dead letter of one shard (its records and index; no BullMQ queue is opened). */
  deadLetter(workspace: string, shard: number): DeadLetter {
    return new DeadLetter(this.redis, this.location(workspace, shard));
  }

  /** Re-enqueues one shard's dead-lettered operations under their original ids: see {@link replayDeadLetters}. */
  replayDeadLetters(workspace: string, shard: number, options: ReplayOptions = {}): Promise<string[]> {
    return replayDeadLetters(this.deadLetter(workspace, shard), this.queue(workspace, shard).queue, options);
  }

  /** Closes the queues; the connection stays with its owner. */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((queue) => queue.close()));
    this.open.clear();
  }

  private location(workspace: string, shard: number): QueueLocation {
    return queueLocation(this.namespace, checkName('workspace', workspace), shard);
  }

  private queue(workspace: string, shard: number): { queue: Queue<OperationJobData>; waitList: string } {
    const location = this.location(workspace, shard);
    const waitList = waitListKey(location);
    let queue = this.open.get(waitList);
    if (!queue) {
      // skipMetasUpdate: a watcher must not write the queue's meta (BullMQ would stamp its version on every open)
      queue = new Queue<OperationJobData>(location.name, { connection: this.redis, prefix: location.prefix, skipMetasUpdate: true });
      // a lost Redis shows in the reading that fails; without a listener the queue's 'error' would crash the process
      queue.on('error', () => undefined);
      this.open.set(waitList, queue);
    }
    return { queue, waitList };
  }
}
