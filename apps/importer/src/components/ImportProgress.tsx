import { Gauge, Sparkline, StatTable, useHistory } from '@cioscale/tui';
import { Box, Static, Text } from 'ink';
import type { ProgressSnapshot } from '../types.js';

/** Props of {@link ImportProgress}. */
export interface ImportProgressProps {
  /** Lines shown once above the live view (start notices, warnings). */
  readonly notices: readonly string[];
  readonly snapshot: ProgressSnapshot | undefined;
  /** Rows/s and requests/s since the previous snapshot. */
  readonly rowsPerSecond: number;
  readonly requestsPerSecond: number;
}

/**
 * The live view of an import on a terminal: throughput and its sparkline, requests against the budget,
 * 429s, retries, outcomes and ETA. Notices go through `<Static>` so they scroll away cleanly.
 */
export function ImportProgress({ notices, snapshot, rowsPerSecond, requestsPerSecond }: ImportProgressProps) {
  const history = useHistory(rowsPerSecond, snapshot?.elapsedMs ?? 0, 40);
  return (
    <>
      <Static items={notices.map((text, index) => ({ text, index }))}>{(notice) => <Text key={notice.index}>{notice.text}</Text>}</Static>
      {snapshot && (
        <Box flexDirection="column" borderStyle="round" paddingX={1}>
          <Box gap={1}>
            <Text bold>{Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s</Text>
            <Sparkline values={history} width={40} />
          </Box>
          <Gauge label="req/s" value={requestsPerSecond} max={snapshot.budget.ceiling} caption={`${Math.round(requestsPerSecond)} of ${Math.round(snapshot.budget.ceiling)} budget (now ${Math.round(snapshot.budget.rate)})`} />
          <StatTable
            stats={[
              { label: 'rows', value: snapshot.rows },
              { label: 'delivered', value: snapshot.delivered, color: 'green' },
              { label: 'rejected', value: snapshot.rejected, ...(snapshot.rejected > 0 && { color: 'red' }) },
              { label: 'failed', value: snapshot.failed, ...(snapshot.failed > 0 && { color: 'red' }) },
              { label: 'skipped', value: snapshot.skipped },
              { label: 'requests', value: snapshot.requests },
              { label: '429s', value: snapshot.rateLimited, ...(snapshot.rateLimited > 0 && { color: 'yellow' }) },
              { label: 'retries', value: snapshot.retries },
              { label: 'read', value: `${Math.round(snapshot.fractionRead * 100)}%` },
              { label: 'elapsed', value: formatDuration(snapshot.elapsedMs) },
              { label: 'ETA', value: eta(snapshot) },
            ]}
          />
        </Box>
      )}
    </>
  );
}

/** Time left, from the share of the file read so far. */
export function eta(snapshot: ProgressSnapshot): string {
  const f = snapshot.fractionRead;
  if (f <= 0 || snapshot.elapsedMs < 1000) return '…';
  if (f >= 1) return 'finishing';
  return formatDuration((snapshot.elapsedMs * (1 - f)) / f);
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
