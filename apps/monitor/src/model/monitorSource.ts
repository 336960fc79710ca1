import {
  checkName,
  createRedisClient,
  DEFAULT_NAMESPACE,
  describeRedisTarget,
  GatewayChannel,
  MetricsChannel,
  QueueShards,
  readBudget,
  readBulkControl,
  readBulkRuns,
  readLanes,
  setBulkControl,
  setLaneShares,
  type BulkCommand,
  readDeadLetterSamples,
  readLiveWorkers,
  setBudget,
  type RedisClient,
  type RedisTarget,
} from '@cioscale/queue';
import type { MonitorSnapshot, WorkspaceReading } from './snapshot.js';

/** A workspace to watch. */
export interface WatchedWorkspace {
  readonly name: string;
  /** Queues it is spread over. @defaultValue 1 */
  readonly shards?: number;
}

/** Options of {@link MonitorSource}. */
export interface MonitorSourceOptions {
  readonly redis: RedisTarget;
  /** Key namespace shared with producers and workers. @defaultValue 'cio' */
  readonly namespace?: string;
  /** Workspaces to show even before a worker reports them; those the workers report are added. @defaultValue none */
  readonly workspaces?: readonly WatchedWorkspace[];
  /** Most recent dead letters read per workspace. @defaultValue 5 */
  readonly deadLetterSamples?: number;
  /** Longest a reading may take before it counts as a lost connection, ms. @defaultValue 2_000 */
  readonly timeoutMs?: number;
}

/** What the screen needs from Redis: readings and the two actions. {@link MonitorSource} is the real one. */
export interface MonitorBackend {
  /** One snapshot; never rejects (a failed reading is a `connected: false` snapshot). */
  read(): Promise<MonitorSnapshot>;
  /** The snapshot of a reading that failed with `error` after starting at `at`. */
  disconnected(error: unknown, at: number): MonitorSnapshot;
  setBudget(workspace: string, rate: number): Promise<void>;
  setPaused(workspace: string, shard: number, paused: boolean): Promise<void>;
  /** Pauses, resumes or cancels the workspace's bulk runs (importers on the shared budget). */
  controlBulk?(workspace: string, command: BulkCommand): Promise<void>;
  /** Sets the bulk lane's floor and/or ceiling, fractions of the budget. */
  setLaneShares?(workspace: string, shares: { floor?: number; ceiling?: number }): Promise<void>;
}

/**
 * Everything the monitor reads from and does to Redis, through the queue package's readers (which own every
 * key, script and BullMQ queue). A reading never throws — a lost Redis gives a `connected: false` snapshot,
 * and the connection's own retry brings it back.
 */
export class MonitorSource implements MonitorBackend {
  private readonly redis: RedisClient;
  private readonly namespace: string;
  private readonly queues: QueueShards;
  private readonly channel: MetricsChannel;
  private readonly gatewayChannel: GatewayChannel;
  private readonly described: string;
  private lastError: string | undefined;

  constructor(private readonly options: MonitorSourceOptions) {
    this.namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
    for (const workspace of options.workspaces ?? []) checkName('workspace', workspace.name);
    this.described = describeRedisTarget(options.redis);
    // the producer role fails fast while Redis is away, so a reading reports it instead of queueing commands
    this.redis = createRedisClient(options.redis, 'producer');
    this.redis.on('error', (error: Error) => void (this.lastError = error.message));
    this.queues = new QueueShards(this.redis, this.namespace);
    this.channel = new MetricsChannel(this.redis, { namespace: this.namespace });
    this.gatewayChannel = new GatewayChannel(this.redis, { namespace: this.namespace });
  }

  /** Reads one snapshot of queues, budgets, dead letters and workers. */
  async read(): Promise<MonitorSnapshot> {
    const at = Date.now();
    const timeoutMs = this.options.timeoutMs ?? 2_000;
    try {
      await this.ready(timeoutMs);
      const workers = await withTimeout(readLiveWorkers(this.channel), timeoutMs);
      const watched = new Map<string, number>();
      for (const workspace of this.options.workspaces ?? []) watched.set(workspace.name, workspace.shards ?? 1);
      for (const worker of workers) for (const name of Object.keys(worker.workspaces)) if (!watched.has(name)) watched.set(name, 1);
      const workspaces = await withTimeout(Promise.all([...watched].map(([name, shards]) => this.readWorkspace(name, shards))), timeoutMs);
      const gateways = await withTimeout(this.gatewayChannel.list(), timeoutMs);
      return { at, redis: this.described, namespace: this.namespace, connected: true, workspaces, workers, ...(gateways.length > 0 && { gateways }) };
    } catch (error) {
      return this.disconnected(error, at);
    }
  }

  /** What a failed reading shows: the connection's own error when it has one (it says more than a timeout). */
  disconnected(error: unknown, at: number): MonitorSnapshot {
    const message = this.lastError ?? (error instanceof Error ? error.message : String(error));
    return { at, redis: this.described, namespace: this.namespace, connected: false, error: message, workspaces: [], workers: [] };
  }

  /** Sets the budget of `workspace` to `rate` requests/s; every worker follows within a second. */
  async setBudget(workspace: string, rate: number): Promise<void> {
    await setBudget(this.redis, workspace, { rate }, this.namespace);
  }

  /** Pauses or resumes shard `shard` of `workspace` for the whole fleet. */
  async setPaused(workspace: string, shard: number, paused: boolean): Promise<void> {
    await this.queues.setPaused(workspace, shard, paused);
  }

  /** Pauses, resumes or cancels every bulk run of `workspace`; they follow within a second. */
  async controlBulk(workspace: string, command: BulkCommand): Promise<void> {
    await setBulkControl(this.redis, workspace, command, this.namespace);
  }

  /** Sets the bulk lane's floor and/or ceiling of `workspace`; every sender follows at its next take. */
  async setLaneShares(workspace: string, shares: { floor?: number; ceiling?: number }): Promise<void> {
    await setLaneShares(this.redis, workspace, shares, this.namespace);
  }

  /** Closes the queues and the connection. */
  async close(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    this.redis.disconnect();
  }

  private async readWorkspace(name: string, shards: number): Promise<WorkspaceReading> {
    const [budget, queues, deadLetters, lanes, control, runs] = await Promise.all([
      readBudget(this.redis, name, this.namespace),
      this.queues.read(name, shards),
      readDeadLetterSamples(this.redis, name, { shards, limit: this.options.deadLetterSamples ?? 5, namespace: this.namespace }),
      readLanes(this.redis, name, this.namespace),
      readBulkControl(this.redis, name, this.namespace),
      readBulkRuns(this.redis, name, this.namespace),
    ]);
    return { name, budget, queues, deadLetters, lanes, bulk: { control, runs } };
  }

  private async ready(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') {
      this.lastError = undefined;
      return;
    }
    // the first reading (or one during a reconnection) waits a little for the connection instead of failing at once
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    this.redis.once('ready', onReady);
    try {
      await withTimeout(ready, timeoutMs, `Redis not connected (${this.redis.status})`);
    } finally {
      this.redis.off('ready', onReady);
    }
    this.lastError = undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message = `Redis did not answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
