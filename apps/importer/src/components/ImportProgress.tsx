import { Gauge, Sparkline, StatTable, useHistory } from '@cioscale/tui';
import { Box, Static, Text } from 'ink';
import { settledRows, type ProgressSnapshot } from '../progress.js';

/** Props of {@link ImportProgress}. */
export interface ImportProgressProps {
  /** Lines shown once above the live view (start notices, warnings). */
  readonly notices: readonly string[];
  readonly snapshot: ProgressSnapshot | undefined;
  /** Rows settled (delivered, rejected, skipped…) per second, recently. */
  readonly rowsPerSecond: number;
  /** Requests per second over the last few seconds. */
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
            {snapshot.paused === true && (
              <Text bold color="yellow">
                paused
              </Text>
            )}
            <Text bold>{Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s</Text>
            <Sparkline values={history} width={40} />
          </Box>
          <Gauge label="req/s" value={Math.min(requestsPerSecond, snapshot.budget.ceiling)} max={snapshot.budget.ceiling} caption={budgetCaption(requestsPerSecond, snapshot.budget)} />
          <StatTable
            stats={[
              { label: 'rows', value: snapshot.rows },
              { label: 'in flight', value: snapshot.rows - settledRows(snapshot) },
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

/**
 * `20 of 20 budget (now 20)`: the measured rate, never more than the budget. A token bucket lets a burst
 * through at the start, which a short window shows as more than the budget (`23 of 20`); that reads as
 * the budget being broken, so the caption says `burst` instead.
 */
export function budgetCaption(requestsPerSecond: number, budget: { readonly rate: number; readonly ceiling: number }): string {
  const ceiling = Math.round(budget.ceiling);
  const shown = Math.min(Math.round(requestsPerSecond), ceiling);
  const burst = Math.round(requestsPerSecond) > ceiling ? ', burst' : '';
  return `${shown} of ${ceiling} budget (now ${Math.round(budget.rate)}${burst})`;
}

/**
 * Time left: the rows still to settle (the file's estimated rows, from the share of its bytes read, minus
 * the rows settled) at the rate rows have settled so far. Reading runs ahead of delivery, so an estimate from
 * the share read alone runs low; this one converges as the run goes.
 */
export function eta(snapshot: ProgressSnapshot): string {
  const f = snapshot.fractionRead;
  const settled = settledRows(snapshot);
  if (f <= 0 || snapshot.elapsedMs < 1000 || settled <= 0) return '…';
  if (f >= 1) return 'finishing';
  const remaining = Math.max(0, snapshot.rows / f - settled);
  return formatDuration(remaining / (settled / snapshot.elapsedMs));
}
function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
