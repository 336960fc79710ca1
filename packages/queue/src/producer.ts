import { createEnvelope, isEventOperation, stampTimestamp, type Operation } from '@cioscale/core';
import { Queue } from 'bullmq';
import { createRedisClient, type RedisClient, type RedisTarget } from './connection.js';
import { ConfigurationError } from '@cioscale/core';
import { QueueUnavailableError } from './errors.js';
import { addStandardJobs, encodeJobOptions, type StandardJob } from './addStandardJobs.js';
import { bullJobOptions, jobIdOf, type OperationJobData, type OperationJobOptions } from './jobData.js';
import { checkName, DEFAULT_NAMESPACE, queueLocation, type QueueLocation } from './keys.js';
import { shardOf } from './shardOf.js';
import { within } from './within.js';
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
  /**
   * How long an enqueue waits for Redis to answer once its write is on the socket, in ms; past it the enqueue
   * rejects with {@link QueueUnavailableError} (a frozen Redis, or one gone behind a proxy that keeps the
   * connection open, never answers). The write may still have landed: enqueue again with the same `sourceKey`
   * to be sure the operation is there exactly once. Applied to the connection the producer opens (ioredis
   * `commandTimeout`); a client you pass in keeps its own setting. @defaultValue 5_000
   */
  readonly timeoutMs?: number;
  /** BullMQ options of every job. */
  readonly jobs?: OperationJobOptions;
}

/** Where and how one operation is enqueued. */
export interface EnqueueRequest {
  readonly operation: Operation;
  /** Workspace name. @defaultValue the first workspace */
  readonly workspace?: string;
  /**
   * What identifies the record at its source. The id then depends only on it (and on an event's own
   * `timestamp`), so an enqueue retried with the same key — after a timeout, a Redis restart, a crash of
   * the caller — adds no second job and no second event. Without it every enqueue gets a new random id.
   */
  readonly sourceKey?: string;
  /**
   * The operation's JSON as `JSON.stringify(operation)` writes it, when the caller already has it (the gateway
   * measures the operation's size on it): the job is built from it instead of serialising the operation again.
   * Used only when the operation needs no stamping (see `enqueue`); the caller answers for it matching `operation`.
   */
  readonly json?: string;
}

/** Enqueues operations; see {@link createProducer}. */
export interface Producer {
  /**
   * Enqueues one operation; resolves with its id once Redis has it. An identify without `timestamp` is
   * stamped with the time it was produced (`stampTimestamp`), so a retried older update never overwrites
   * a newer one. @throws {QueueUnavailableError} when Redis is unreachable or does not answer within `timeoutMs`
   */
  enqueue(operation: Operation | EnqueueRequest): Promise<string>;
  /** Enqueues many with one round trip per queue (one pipeline of BullMQ's `addStandardJob`); resolves with their ids in order. */
  enqueueMany(operations: readonly (Operation | EnqueueRequest)[]): Promise<string[]>;
  /** The BullMQ queues, by workspace then shard, for depth and admin; filled on the first enqueue. */
  readonly queues: ReadonlyMap<string, readonly Queue<OperationJobData>[]>;
  /** Closes the queues and the connection it opened; resolves within `timeoutMs` whatever Redis does. */
  close(): Promise<void>;
}

/**
 * A producer for application code: `enqueue(op)` anywhere, a worker fleet delivers.
 *
 * The job id is the envelope id (a ULID): deterministic with a `sourceKey`, so an enqueue retried after a
 * timeout adds no second job, and Customer.io deduplicates a re-sent event by the same id. Producers fail
 * fast: while Redis is unreachable `enqueue` throws {@link QueueUnavailableError} at once (no offline queue),
 * and a write Redis does not answer within `timeoutMs` rejects with it too. Bounds: the first enqueue
 * settles within `connectTimeoutMs` + `timeoutMs`, every later one within `timeoutMs` of its write.
 *
 * @example
 * const producer = createProducer({ redis: process.env.REDIS_URL! });
 * await producer.enqueue(track('42', 'signed_up'));
 */
export function createProducer(options: ProducerOptions): Producer {
  const namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
  const workspaces = options.workspaces ?? [defaultWorkspace()];
  // a target is a URL or `{ cluster: [...] }`; an ioredis client also has a `cluster` (its CLUSTER command), so
  // test for the array, not for the key
  const owned = typeof options.redis === 'string' || Array.isArray((options.redis as { cluster?: unknown }).cluster);
  const timeoutMs = options.timeoutMs ?? 5_000;
  // the connection's command timeout, not a timer around the whole call: it starts when a command is written
  // to the socket, so a big enqueueMany on a busy CPU is not cut short, and ioredis drops the timed-out command
  const redis = owned ? createRedisClient(options.redis as RedisTarget, 'producer', { commandTimeoutMs: timeoutMs }) : (options.redis as RedisClient);
  // without a listener ioredis prints every reconnection error; enqueue reports the state instead
  redis.on('error', () => undefined);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  // every job has the same options: encoded once, as BullMQ stores them, with each job's id added
  const encodedOptions = encodeJobOptions(bullJobOptions(options.jobs));
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
    const operation = stampTimestamp(request.operation, now);
    // the caller's JSON is the operation's only while stamping left it as it was
    const given = request.json !== undefined && operation === request.operation ? request.json : undefined;
    const envelope = createEnvelope(operation, {
      source: undefined,
      producedAt: now,
      ...(given !== undefined && { json: given }),
      ...(request.sourceKey !== undefined && { sourceKey: request.sourceKey, idTimeMs: stableIdTimeMs(operation) }),
    });
    const shard = shardOf(envelope.key, route.workspace.shards);
    const data: OperationJobData = { operation: envelope.operation, id: envelope.id, producedAt: now, workspace: name };
    // JSON.stringify(data), the operation's part taken from the envelope, which has just serialised it: the same text
    const json = `{"operation":${envelope.json ?? JSON.stringify(envelope.operation)},"id":${JSON.stringify(envelope.id)},"producedAt":${now},"workspace":${JSON.stringify(name)}}`;
    return { queue: (queues.get(name) as Queue<OperationJobData>[])[shard] as Queue<OperationJobData>, data, json };
  };

  const enqueueMany = async (items: readonly (Operation | EnqueueRequest)[]): Promise<string[]> => {
    await ready();
    const now = Date.now();
    const prepared = items.map((item) => prepare(item, now));
    const byQueue = new Map<Queue<OperationJobData>, StandardJob[]>();
    for (const { queue, data, json } of prepared) {
      const job: StandardJob = { id: jobIdOf(data.id), name: data.operation.action, json };
      const list = byQueue.get(queue);
      if (list) list.push(job);
      else byQueue.set(queue, [job]);
    }
    try {
      // one pipeline per queue with BullMQ's own script, without addBulk's per-job objects (addStandardJobs.ts)
      await Promise.all([...byQueue].map(([queue, jobs]) => addStandardJobs(queue, jobs, encodedOptions)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message === 'Command timed out') {
        throw new QueueUnavailableError(`Redis did not answer the enqueue within ${timeoutMs} ms; it may have landed — enqueue again with the same sourceKey to be sure it is there once`, { cause: error });
      }
      throw new QueueUnavailableError(`enqueue failed: ${message}`, { cause: error });
    }
    return prepared.map(({ data }) => data.id);
  };

  return {
    enqueue: async (item) => (await enqueueMany([item]))[0] as string,
    enqueueMany,
    queues,
    close: async () => {
      // bounded like an enqueue: a frozen Redis must not hold the caller's shutdown
      await within(Promise.all([...queues.values()].flat().map((queue) => queue.close())), timeoutMs);
      if (owned) redis.disconnect();
    },
  };
}

/**
 * The ULID time of a keyed operation: it must not change when the same record is enqueued again, so it is
 * never the enqueue time — an event's own timestamp, else 0 (the id stays unique by its key's 80 bits).
 */
function stableIdTimeMs(operation: Operation): number {
  return isEventOperation(operation) && operation.timestamp !== undefined ? operation.timestamp * 1000 : 0;
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
