import type { MetricsChannel } from '@cioscale/queue';
import type { WorkerReading } from './snapshot.js';

/** The live workers of the namespace, from the metrics channel, in a stable order (by id). */
export async function readWorkers(channel: MetricsChannel): Promise<WorkerReading[]> {
  const reports = await channel.list();
  return reports
    .map((report): WorkerReading => {
      const times = Object.values(report.workspaces).map((snapshot) => snapshot.at);
      return { id: report.workerId, host: report.host, pid: report.pid, startedAt: report.startedAt, lastSeen: Math.max(report.startedAt, ...times), workspaces: report.workspaces };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
