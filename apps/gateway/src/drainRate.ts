import type { WorkerReport } from '@cioscale/queue';

interface Sample {
  /** On the gateway's clock, ms. */
  readonly at: number;
  /** Operations the fleet finished since this gateway started watching. */
  readonly finished: number;
}

/**
 * How fast the worker fleet takes a workspace's operations out of its queue, as the workers themselves
 * report it (`MetricsChannel`): operations finished (delivered, rejected or failed for good) per second
 * over the last `windowMs`. Not the workspace's budget: a budget of 100 req/s says nothing while every
 * worker is down or stuck behind 429s, and this says 0 then, which is the truth a drain ETA needs.
 *
 * Each worker's counters are cumulative since its start; a reading adds what each grew by since the
 * previous one. A worker seen for the first time counts whole if it started after the previous reading
 * (it did all of that since), else from now on (what it did before is no part of this window); counters
 * lower than last time are a restart under the same id, and count whole. A worker gone from the reports
 * (stopped, killed) simply stops adding.
 */
export class DrainRate {
  private readonly last = new Map<string, Map<string, number>>();
  private readonly samples = new Map<string, Sample[]>();
  private previousAt: number | undefined;

  /** @param windowMs - the span the rate is averaged over, ms */
  constructor(private readonly windowMs: number) {}

  /** Takes one reading of every live worker's report, taken at `now` (ms, the gateway's clock). */
  observe(workspaces: readonly string[], reports: readonly WorkerReport[], now: number): void {
    for (const workspace of workspaces) {
      const before = this.last.get(workspace) ?? new Map<string, number>();
      const seen = new Map<string, number>();
      let grew = 0;
      for (const report of reports) {
        const snapshot = report.workspaces[workspace];
        if (!snapshot) continue;
        const finished = snapshot.delivered + snapshot.rejected + snapshot.failed;
        const previous = before.get(report.workerId);
        const startedSince = this.previousAt !== undefined && report.startedAt >= this.previousAt;
        if (previous !== undefined && finished >= previous) grew += finished - previous;
        // counters that went back belong to a restart under the same id: all of them are since
        else if (startedSince || previous !== undefined) grew += finished;
        seen.set(report.workerId, finished);
      }
      this.last.set(workspace, seen);
      const samples = this.samples.get(workspace) ?? [];
      samples.push({ at: now, finished: (samples.at(-1)?.finished ?? 0) + grew });
      // keep one sample at or before the window's start, so the span covers the whole window
      while (samples.length > 2 && samples[1]!.at <= now - this.windowMs) samples.shift();
      this.samples.set(workspace, samples);
    }
    this.previousAt = now;
  }

  /** Operations per second the fleet finished over the window; undefined until two readings span some time. */
  perSecond(workspace: string): number | undefined {
    const samples = this.samples.get(workspace);
    const first = samples?.[0];
    const last = samples?.at(-1);
    if (!first || !last || last.at <= first.at) return undefined;
    return ((last.finished - first.finished) * 1000) / (last.at - first.at);
  }
}
