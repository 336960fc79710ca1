import type { QueueShards, ResolvedWorkspace } from '@cioscale/queue';

/** What the gateway knows of one workspace's backlog. */
export interface BacklogState {
  /** Operations not yet delivered (waiting, prioritized, paused, delayed, active) at the last reading, plus those accepted since. */
  readonly depth: number;
  /** The configured limit. */
  readonly limit: number;
  /** True while calls are answered 429. */
  readonly over: boolean;
}

/**
 * Watches each workspace's queue depth so the gateway can say 429 before Redis fills up. The depth is read
 * every `refreshMs` (one `getJobCounts` per shard); between readings the operations this gateway accepted
 * are added, so a burst cannot run past the limit before the next reading sees it.
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

  constructor(
    private readonly shards: QueueShards,
    private readonly workspaces: readonly ResolvedWorkspace[],
    private readonly limit: number,
  ) {}

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
    return { depth, limit: this.limit, over: depth >= this.limit };
  }

  private refresh(): Promise<void> {
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
