import { DataTable, type DataColumn } from '@cioscale/tui';
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatTrend } from '../format.js';
import type { WorkspaceView } from '../model/view.js';

/** Props of {@link QueuePanel}. */
export interface QueuePanelProps {
  readonly workspace: WorkspaceView;
  /** The shard `p` pauses or resumes. */
  readonly selectedShard: number;
  readonly width: number;
}

const COLUMNS: readonly DataColumn[] = [
  { header: '  shard' },
  { header: 'state' },
  { header: 'waiting', align: 'right' },
  { header: 'active', align: 'right' },
  { header: 'delayed', align: 'right', dropOrder: 2 },
  { header: 'failed', align: 'right', dropOrder: 1 },
  { header: 'completed', align: 'right', dropOrder: 3 },
  { header: 'wait list', dropOrder: 4 },
];

/**
 * The BullMQ queues of the workspace (one per shard) with their job counts, then the depth over all of
 * them, its trend and the ETA to drain at the current net rate.
 */
export function QueuePanel({ workspace, selectedShard, width }: QueuePanelProps) {
  const rows = workspace.reading.queues.map((queue) => ({
    key: String(queue.shard),
    ...(queue.paused && { color: 'yellow' }),
    bold: queue.shard === selectedShard,
    cells: [
      `${queue.shard === selectedShard ? '▸' : ' '} ${queue.shard}`,
      queue.paused ? 'PAUSED' : 'running',
      formatCount(queue.counts.waiting + queue.counts.prioritized + queue.counts.paused),
      formatCount(queue.counts.active),
      formatCount(queue.counts.delayed),
      formatCount(queue.counts.failed),
      formatCount(queue.counts.completed),
      queue.waitList,
    ],
  }));
  const { depth, perSecond, etaSeconds } = workspace.depth;
  const eta =
    depth === 0 ? 'empty' : etaSeconds === null ? (perSecond !== null && perSecond > 0 ? 'growing' : 'not draining') : etaSeconds < 1 ? '< 1 s' : formatDuration(etaSeconds);
  return (
    <Box flexDirection="column">
      <DataTable columns={COLUMNS} rows={rows} width={width} />
      <Box gap={2}>
        <Text>
          depth <Text bold>{formatCount(depth)}</Text>
        </Text>
        <Text>
          trend <Text bold>{formatTrend(perSecond)}</Text>
        </Text>
        <Text>
          ETA <Text bold color={etaSeconds === null && depth > 0 ? 'yellow' : 'green'}>{eta}</Text>
        </Text>
      </Box>
    </Box>
  );
}
