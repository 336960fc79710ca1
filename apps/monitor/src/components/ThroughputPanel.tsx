import { Sparkline, StatTable } from '@cioscale/tui';
import { Box, Text } from 'ink';
import { formatMs, formatRate } from '../format.js';
import type { WorkspaceView } from '../model/view.js';

/** Props of {@link ThroughputPanel}. */
export interface ThroughputPanelProps {
  readonly workspace: WorkspaceView;
  readonly width: number;
}

/**
 * Delivered operations/s and requests/s with their recent history, then what slows them: 429s, retries,
 * rejections and request latency. Sparklines go first on a narrow terminal.
 */
export function ThroughputPanel({ workspace, width }: ThroughputPanelProps) {
  const { rates, latency, history } = workspace;
  const chart = Math.min(history.delivered.length, Math.max(0, width - 26));
  const showChart = width >= 50;
  return (
    <Box flexDirection="column">
      <Box>
        <Text>{'delivered '}</Text>
        <Text bold color="cyan">{formatRate(rates.delivered).padStart(8)}</Text>
        <Text>{' ops/s  '}</Text>
        {showChart && <Sparkline values={history.delivered} width={chart} color="cyan" />}
      </Box>
      <Box>
        <Text>{'requests  '}</Text>
        <Text bold color="magenta">{formatRate(rates.requests).padStart(8)}</Text>
        <Text>{' req/s  '}</Text>
        {showChart && <Sparkline values={history.requests} width={chart} color="magenta" />}
      </Box>
      <StatTable
        columns={width >= 90 ? 6 : width >= 60 ? 3 : 2}
        stats={[
          { label: '429s/s', value: formatRate(rates.rateLimited), ...(rates.rateLimited > 0 && { color: 'red' }) },
          { label: 'retries/s', value: formatRate(rates.retries), ...(rates.retries > 0 && { color: 'yellow' }) },
          { label: 'rejected/s', value: formatRate(rates.rejected), ...(rates.rejected > 0 && { color: 'yellow' }) },
          { label: 'p50', value: formatMs(latency.p50) },
          { label: 'p95', value: formatMs(latency.p95) },
          { label: 'p99', value: formatMs(latency.p99) },
        ]}
      />
    </Box>
  );
}
