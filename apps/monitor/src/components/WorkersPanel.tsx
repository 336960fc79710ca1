import { DataTable, type DataColumn } from '@cioscale/tui';
import { Box, Text } from 'ink';
import { formatCount, formatMs, formatRate } from '../format.js';
import type { WorkerView } from '../model/view.js';

/** Props of {@link WorkersPanel}. */
export interface WorkersPanelProps {
  readonly workers: readonly WorkerView[];
  readonly width: number;
  /** Rows shown before "+ n more". @defaultValue 8 */
  readonly maxRows?: number;
}

const COLUMNS: readonly DataColumn[] = [
  { header: 'worker' },
  { header: 'host', dropOrder: 2 },
  { header: 'in flight', align: 'right' },
  { header: 'ops/s', align: 'right' },
  { header: 'req/s', align: 'right', dropOrder: 1 },
  { header: 'last seen', align: 'right' },
  { header: 'workspaces', dropOrder: 3 },
];

/** The workers that published a report lately; one silent for more than 3 s is shown in yellow. */
export function WorkersPanel({ workers, width, maxRows = 8 }: WorkersPanelProps) {
  const rows = workers.slice(0, maxRows).map((worker) => ({
    key: worker.id,
    ...(worker.lastSeenMs > 3_000 && { color: 'yellow' }),
    cells: [
      worker.id,
      worker.host,
      formatCount(worker.inFlight),
      formatRate(worker.operationsPerSecond),
      formatRate(worker.requestsPerSecond),
      `${formatMs(worker.lastSeenMs)} ago`,
      worker.workspaces.join(','),
    ],
  }));
  return (
    <Box flexDirection="column">
      <DataTable columns={COLUMNS} rows={rows} width={width} empty="no worker has reported in the last 15 s" />
      {workers.length > maxRows && <Text dimColor>+ {workers.length - maxRows} more</Text>}
    </Box>
  );
}
