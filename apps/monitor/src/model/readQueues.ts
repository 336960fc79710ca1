import { queueLocation, waitListKey, type QueueLocation, type RedisClient } from '@cioscale/queue';
import { Queue } from 'bullmq';
import type { JobCounts, QueueReading } from './snapshot.js';

const STATES = ['waiting', 'prioritized', 'paused', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * The BullMQ queues of the monitored workspaces, opened once on the monitor's connection with the queue
 * package's prefixes, for job counts and pause/resume.
 */
export class MonitoredQueues {
  private readonly open = new Map<string, Queue>();

  constructor(
    private readonly redis: RedisClient,
    private readonly namespace: string,
  ) {}

  /** Where shard `shard` of `workspace` lives. */
  location(workspace: string, shard: number): QueueLocation {
    return queueLocation(this.namespace, workspace, shard);
  }

  /** The queue of a shard (opened on first use). */
  queue(workspace: string, shard: number): Queue {
    const location = this.location(workspace, shard);
    const key = waitListKey(location);
    let queue = this.open.get(key);
    if (!queue) {
      // skipMetasUpdate: a watcher must not write the queue's meta (BullMQ would stamp its version on every open)
      queue = new Queue(location.name, { connection: this.redis, prefix: location.prefix, skipMetasUpdate: true });
      // Redis going away is shown as "disconnected" by the reader; without a listener it would crash the process
      queue.on('error', () => undefined);
      this.open.set(key, queue);
    }
    return queue;
  }

  /** Counts and pause state of every shard of `workspace`. */
  async read(workspace: string, shards: number): Promise<QueueReading[]> {
    return Promise.all(
      Array.from({ length: shards }, async (_, shard): Promise<QueueReading> => {
        const queue = this.queue(workspace, shard);
        const [counts, paused] = await Promise.all([queue.getJobCounts(...STATES), queue.isPaused()]);
        const jobCounts = Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])) as unknown as JobCounts;
        return { shard, waitList: waitListKey(this.location(workspace, shard)), paused, counts: jobCounts };
      }),
    );
  }

  /** Pauses or resumes one shard for the whole fleet (BullMQ's queue-level pause: workers fetch nothing). */
  async setPaused(workspace: string, shard: number, paused: boolean): Promise<void> {
    const queue = this.queue(workspace, shard);
    await (paused ? queue.pause() : queue.resume());
  }

  /** Closes the queues; the connection stays with its owner. */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((queue) => queue.close()));
    this.open.clear();
  }
}
