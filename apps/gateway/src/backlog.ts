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
 * are added, so a burst cannot run far past the limit before the next reading sees it.
 */
export class BacklogWatch {
  private readonly read = new Map<string, number>();
  private readonly sinceRead = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

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

  /** Counts operations this gateway has just enqueued into `workspace`. */
  accepted(workspace: string, operations: number): void {
    this.sinceRead.set(workspace, (this.sinceRead.get(workspace) ?? 0) + operations);
  }

  state(workspace: string): BacklogState {
    const depth = (this.read.get(workspace) ?? 0) + (this.sinceRead.get(workspace) ?? 0);
    return { depth, limit: this.limit, over: depth >= this.limit };
  }

  private async refresh(): Promise<void> {
    await Promise.all(
      this.workspaces.map(async (workspace) => {
        const before = this.sinceRead.get(workspace.name) ?? 0;
        try {
          const readings = await this.shards.read(workspace.name, workspace.shards);
          const depth = readings.reduce((sum, { counts }) => sum + counts.waiting + counts.prioritized + counts.paused + counts.delayed + counts.active, 0);
          this.read.set(workspace.name, depth);
          // what was accepted while the reading was in flight may or may not be in it: keep counting it
          this.sinceRead.set(workspace.name, (this.sinceRead.get(workspace.name) ?? 0) - before);
        } catch {
          // Redis is down: the enqueue answers 503 anyway; keep the last reading
        }
      }),
    );
  }
}
