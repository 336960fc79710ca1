import type { QueueShards, ResolvedWorkspace, WorkerReport } from '@cioscale/queue';
import { DrainRate } from './drainRate.js';

/** Why calls of a workspace are answered 429: its backlog's depth, or the time the fleet needs to drain it. */
export type BackpressureReason = 'backlog' | 'drain_eta';

/** What the gateway knows of one workspace's backlog. */
export interface BacklogState {
  /** Operations not yet delivered (waiting, prioritized, paused, delayed, active) at the last reading, plus those accepted since. */
  readonly depth: number;
  /** The configured limit. */
  readonly limit: number;
  /** True while calls are answered 429. */
  readonly over: boolean;
  /** Why, while `over`. */
  readonly reason: BackpressureReason | undefined;
  /** Operations per second the workers finished over the drain window; undefined while the ETA limit is off or not yet measured. */
  readonly drainPerSecond: number | undefined;
  /** `depth / drainPerSecond`, s: Infinity while nothing drains and something waits; undefined like `drainPerSecond`. */
  readonly etaSeconds: number | undefined;
  /** The ETA past which calls are answered 429, s; undefined while that limit is off. */
  readonly maxDrainSeconds: number | undefined;
  /** The `Retry-After` of a 429 now, s. */
  readonly retryAfterSeconds: number;
}

/** The drain-ETA limit: past `maxSeconds` of backlog at the rate the fleet really delivers, calls are answered 429. */
export interface DrainLimit {
  /** The longest drain ETA accepted, s. */
  readonly maxSeconds: number;
  /** Below this depth the ETA is not held against a workspace (an idle or stopped fleet with next to nothing waiting). */
  readonly minBacklog: number;
  /** The span the drain rate is averaged over, ms. */
  readonly windowMs: number;
  /** The live workers' reports (`MetricsChannel.list`). */
  readonly workers: () => Promise<readonly WorkerReport[]>;
}

/** How BacklogWatch answers past a limit. */
export interface BacklogOptions {
  /** `Retry-After` past the depth limit, and the least past the ETA limit, s; @defaultValue 5 */
  readonly retryAfterSeconds?: number;
  /** The most `Retry-After` past the ETA limit (also while nothing drains at all), s; @defaultValue 60 */
  readonly maxRetryAfterSeconds?: number;
  /** Off when absent: the depth limit only. */
  readonly drain?: DrainLimit;
  /** The clock of the drain rate, ms; @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * Watches each workspace's queue depth so the gateway can say 429 before Redis fills up. The depth is read
 * every `refreshMs` (one `getJobCounts` per shard); between readings the operations this gateway accepted
 * are added, so a burst cannot run past the limit before the next reading sees it.
 *
 * With a {@link DrainLimit}, each reading also takes the workers' reports, and a workspace is refused too
 * once its drain ETA (depth over the rate its workers actually finish operations) passes the limit: a
 * depth that is fine at 1,000 ops/s is hours at 10, and infinite with the fleet down. The `Retry-After`
 * is then the ETA's excess (how long the fleet needs to bring the ETA back under the limit, arrivals
 * aside), bounded.
 *
 * A reading and this gateway's writes never overlap: a reading waits for the writes in flight and holds
 * new ones until it is back (a round trip, once per `refreshMs`). Otherwise a write landing during the
 * reading could be counted twice (in the reading and since it) or not at all.
 */
export class BacklogWatch {
  private readonly read = new Map<string, number>();
  private readonly sinceRead = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private writes = 0;
  private writesDone: (() => void) | undefined;
  /** Set while a reading waits for the writes or runs: new writes wait for it. */
  private reading: Promise<void> | undefined;

  private readonly retryAfterSeconds: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly drain: DrainLimit | undefined;
  private readonly drainRate: DrainRate | undefined;
  private readonly now: () => number;
  private readingWorkers = false;

  constructor(
    private readonly shards: QueueShards,
    private readonly workspaces: readonly ResolvedWorkspace[],
    private readonly limit: number,
    options: BacklogOptions = {},
  ) {
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    this.maxRetryAfterSeconds = Math.max(this.retryAfterSeconds, options.maxRetryAfterSeconds ?? 60);
    this.drain = options.drain;
    this.drainRate = options.drain && new DrainRate(options.drain.windowMs);
    this.now = options.now ?? Date.now;
  }

  /** Reads at once, then every `refreshMs`; resolves after the first reading (or its failure). */
  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Call before a write to the queues; resolves when no reading is under way. */
  async beginWrite(): Promise<void> {
    while (this.reading) await this.reading;
    this.writes++;
  }

  /** Call after the write `beginWrite` announced, with the operations it enqueued per workspace (none if it failed). */
  endWrite(accepted: ReadonlyMap<string, number>): void {
    for (const [workspace, operations] of accepted) this.sinceRead.set(workspace, (this.sinceRead.get(workspace) ?? 0) + operations);
    this.writes--;
    if (this.writes === 0) this.writesDone?.();
  }

  state(workspace: string): BacklogState {
    const depth = (this.read.get(workspace) ?? 0) + (this.sinceRead.get(workspace) ?? 0);
    const drainPerSecond = this.drainRate?.perSecond(workspace);
    const etaSeconds = drainPerSecond === undefined ? undefined : depth === 0 ? 0 : drainPerSecond > 0 ? depth / drainPerSecond : Number.POSITIVE_INFINITY;
    const drain = { drainPerSecond, etaSeconds, maxDrainSeconds: this.drain?.maxSeconds };
    if (depth >= this.limit) return { depth, limit: this.limit, over: true, reason: 'backlog', ...drain, retryAfterSeconds: this.retryAfterSeconds };
    if (this.drain && etaSeconds !== undefined && depth >= this.drain.minBacklog && etaSeconds > this.drain.maxSeconds) {
      const excess = Math.ceil(etaSeconds - this.drain.maxSeconds);
      const retryAfterSeconds = Math.min(this.maxRetryAfterSeconds, Math.max(this.retryAfterSeconds, excess));
      return { depth, limit: this.limit, over: true, reason: 'drain_eta', ...drain, retryAfterSeconds };
    }
    return { depth, limit: this.limit, over: false, reason: undefined, ...drain, retryAfterSeconds: this.retryAfterSeconds };
  }

  private refresh(): Promise<void> {
    // the workers' reports are read beside the depth, not under the write hold: they do not move with writes
    return Promise.all([this.refreshDepth(), this.refreshDrainRate()]).then(() => undefined);
  }

  private async refreshDrainRate(): Promise<void> {
    if (!this.drain || !this.drainRate || this.readingWorkers) return;
    this.readingWorkers = true;
    try {
      const reports = await this.drain.workers();
      this.drainRate.observe(this.workspaces.map((workspace) => workspace.name), reports, this.now());
    } catch {
      // Redis is down: the enqueue answers 503 anyway; the rate keeps its last readings
    } finally {
      this.readingWorkers = false;
    }
  }

  private refreshDepth(): Promise<void> {
    if (this.reading) return this.reading;
    this.reading = (async () => {
      if (this.writes > 0) await new Promise<void>((resolve) => (this.writesDone = resolve));
      this.writesDone = undefined;
      await Promise.all(
        this.workspaces.map(async (workspace) => {
          try {
            const readings = await this.shards.read(workspace.name, workspace.shards);
            this.read.set(workspace.name, readings.reduce((sum, { counts }) => sum + counts.waiting + counts.prioritized + counts.paused + counts.delayed + counts.active, 0));
            this.sinceRead.set(workspace.name, 0);
          } catch {
            // Redis is down: the enqueue answers 503 anyway; keep the last reading and what was accepted since
          }
        }),
      );
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }
}

/** The message of a 429 for `state` (over), in words a caller's log can act on. */
export function describeBackpressure(workspace: string, state: BacklogState): string {
  const retry = `retry after ${state.retryAfterSeconds} s`;
  if (state.reason !== 'drain_eta') return `workspace ${workspace} has ${state.depth} operations waiting for delivery (limit ${state.limit}); ${retry}`;
  const rate = state.drainPerSecond ?? 0;
  const pace = rate > 0 ? `about ${Math.ceil(state.etaSeconds ?? 0)} s of delivery at the ${rate.toFixed(1)} operations/s its workers finish` : 'and its workers finish none';
  return `workspace ${workspace} has ${state.depth} operations waiting, ${pace} (limit ${state.maxDrainSeconds ?? 0} s); ${retry}`;
}
