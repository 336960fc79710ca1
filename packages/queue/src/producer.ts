import { createEnvelope, type Operation } from '@cioscale/core';
import { Queue } from 'bullmq';
import { createRedisClient, type RedisClient, type RedisTarget } from './connection.js';
import { ConfigurationError } from '@cioscale/core';
import { QueueUnavailableError } from './errors.js';
import { bullJobOptions, type OperationJobData, type OperationJobOptions } from './jobData.js';
import { checkName, DEFAULT_NAMESPACE, queueLocation, type QueueLocation } from './keys.js';
import { shardOf } from './shardOf.js';
import { defaultWorkspace, type ResolvedWorkspace } from './workspaces.js';

/** Options of {@link createProducer}. */
export interface ProducerOptions {
  /** Redis to enqueue into: a target (a producer connection is opened) or a client you own. */
  readonly redis: RedisTarget | RedisClient;
  /** Key namespace shared with the workers. @defaultValue 'cio' */
  readonly namespace?: string;
  /** Workspaces to route to; the first is the default. @defaultValue one workspace named `default` */
  readonly workspaces?: readonly ResolvedWorkspace[];
  /** How long the first enqueue waits for the first connection, in ms. Later enqueues never wait. @defaultValue 5_000 */
  readonly connectTimeoutMs?: number;
  /** BullMQ options of every job. */
  readonly jobs?: OperationJobOptions;
}

/** Where and how one operation is enqueued. */
export interface EnqueueRequest {
  readonly operation: Operation;
  /** Workspace name. @defaultValue the first workspace */
  readonly workspace?: string;
  /** What identifies the record at its source; makes the id deterministic so a re-enqueue is deduplicated. */
  readonly sourceKey?: string;
}

/** Enqueues operations; see {@link createProducer}. */
export interface Producer {
  /** Enqueues one operation; resolves with its id once Redis has it. @throws {QueueUnavailableError} when Redis is unreachable */
  enqueue(operation: Operation | EnqueueRequest): Promise<string>;
  /** Enqueues many with one round trip per queue (BullMQ `addBulk`); resolves with their ids in order. */
  enqueueMany(operations: readonly (Operation | EnqueueRequest)[]): Promise<string[]>;
  /** The BullMQ queues, by workspace then shard, for depth and admin; filled on the first enqueue. */
  readonly queues: ReadonlyMap<string, readonly Queue<OperationJobData>[]>;
  /** Closes the queues and the connection it opened. */
  close(): Promise<void>;
}

/**
 * A producer for application code: `enqueue(op)` anywhere, a worker fleet delivers.
 *
 * The job id is the envelope id (a ULID): deterministic with a `sourceKey`, so an enqueue retried after a
 * timeout adds no second job, and Customer.io deduplicates a re-sent event by the same id. Producers fail
 * fast: while Redis is unreachable `enqueue` throws {@link QueueUnavailableError} at once (no offline queue).
 *
 * @example
 * const producer = createProducer({ redis: process.env.REDIS_URL! });
 * await producer.enqueue(track('42', 'signed_up'));
 */
export function createProducer(options: ProducerOptions): Producer {
  const namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
  const workspaces = options.workspaces ?? [defaultWorkspace()];
  const owned = typeof options.redis === 'string' || 'cluster' in options.redis;
  const redis = owned ? createRedisClient(options.redis as RedisTarget, 'producer') : (options.redis as RedisClient);
  // without a listener ioredis prints every reconnection error; enqueue reports the state instead
  redis.on('error', () => undefined);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const jobOptions = bullJobOptions(options.jobs);
  const queues = new Map<string, Queue<OperationJobData>[]>();
  const shards = new Map<string, { workspace: ResolvedWorkspace; locations: QueueLocation[] }>();
  for (const workspace of workspaces) {
    const locations = Array.from({ length: workspace.shards }, (_, shard) => queueLocation(namespace, workspace.name, shard));
    shards.set(workspace.name, { workspace, locations });
  }
  // BullMQ asks Redis for its version when a Queue is built, which a connection without an offline
  // queue refuses until it is up: build the queues on the first successful connection
  const openQueues = (): void => {
    if (queues.size > 0) return;
    for (const [name, { locations }] of shards) {
      queues.set(name, locations.map((location) => new Queue<OperationJobData>(location.name, { connection: redis, prefix: location.prefix })));
    }
  };
  let firstConnection: Promise<void> | undefined;

  const ready = async (): Promise<void> => {
    if (isReady(redis)) return openQueues();
    // only the very first call may wait: a producer that lost Redis later must not hold callers
    firstConnection ??= waitReady(redis, connectTimeoutMs);
    await firstConnection;
    if (!isReady(redis)) throw new QueueUnavailableError(`Redis is unreachable (connection ${redis.status}); the operation was not enqueued`);
    openQueues();
  };

  const prepare = (item: Operation | EnqueueRequest, now: number) => {
    const request: EnqueueRequest = 'operation' in item ? item : { operation: item };
    const name = request.workspace ?? (workspaces[0] as ResolvedWorkspace).name;
    const route = shards.get(name);
    if (!route) throw new ConfigurationError('workspace', `one of ${[...shards.keys()].join(', ')}`, JSON.stringify(name));
    const envelope = createEnvelope(request.operation, { source: undefined, producedAt: now, ...(request.sourceKey !== undefined && { sourceKey: request.sourceKey }) });
    const shard = shardOf(envelope.key, route.workspace.shards);
    const data: OperationJobData = { operation: envelope.operation, id: envelope.id, producedAt: now, workspace: name };
    return { queue: (queues.get(name) as Queue<OperationJobData>[])[shard] as Queue<OperationJobData>, data };
  };

  const enqueueMany = async (items: readonly (Operation | EnqueueRequest)[]): Promise<string[]> => {
    await ready();
    const now = Date.now();
    const prepared = items.map((item) => prepare(item, now));
    const byQueue = new Map<Queue<OperationJobData>, OperationJobData[]>();
    for (const { queue, data } of prepared) byQueue.set(queue, [...(byQueue.get(queue) ?? []), data]);
    try {
      await Promise.all(
        [...byQueue].map(([queue, list]) => queue.addBulk(list.map((data) => ({ name: data.operation.action, data, opts: { ...jobOptions, jobId: data.id } })))),
      );
    } catch (error) {
      throw new QueueUnavailableError(`enqueue failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return prepared.map(({ data }) => data.id);
  };

  return {
    enqueue: async (item) => (await enqueueMany([item]))[0] as string,
    enqueueMany,
    queues,
    close: async () => {
      await Promise.all([...queues.values()].flat().map((queue) => queue.close()));
      if (owned) redis.disconnect();
    },
  };
}

function isReady(redis: RedisClient): boolean {
  return redis.status === 'ready';
}

function waitReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
