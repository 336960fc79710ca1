import type { MetricsSnapshot } from '@cioscale/core';
import type { MetricsChannel } from './metricsChannel.js';

/** A live worker and the pipeline snapshot it published for each workspace it serves. */
export interface WorkerReading {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  /** When its latest report was taken, ms since the epoch (on the worker's clock). */
  readonly lastSeen: number;
  readonly workspaces: Readonly<Record<string, MetricsSnapshot>>;
}

/** The workers that reported on `channel` lately, in a stable order (by id). */
export async function readLiveWorkers(channel: MetricsChannel): Promise<WorkerReading[]> {
  const reports = await channel.list();
  return reports
    .map((report): WorkerReading => {
      const times = Object.values(report.workspaces).map((snapshot) => snapshot.at);
      return { id: report.workerId, host: report.host, pid: report.pid, startedAt: report.startedAt, lastSeen: Math.max(report.startedAt, ...times), workspaces: report.workspaces };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
