import { Box, Text } from 'ink';
import { formatRate } from '../format.js';
import type { WorkspaceReading } from '../model/snapshot.js';

/** Props of {@link LanesPanel}. */
export interface LanesPanelProps {
  readonly reading: WorkspaceReading;
}

const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

/**
 * The budget's two lanes: each one's rate, share of the budget and waiting demand (requests waiting for a
 * token), bulk's floor, ceiling and what it may take now (quiet hours), and the bulk runs with the command
 * they follow. Shown once bulk traffic has used the budget, or is paused: with live alone it says nothing new.
 */
export function LanesPanel({ reading }: LanesPanelProps) {
  const lanes = reading.lanes;
  const bulk = reading.bulk;
  if (!lanes || (lanes.bulk.granted === 0 && (bulk?.runs.length ?? 0) === 0 && bulk?.control.state !== 'paused')) return null;
  const window = lanes.bulk.window === 'in' ? ' · inside quiet hours' : lanes.bulk.window === 'out' ? ' · outside quiet hours' : '';
  return (
    <Box flexDirection="column">
      <Text>
        lanes    live {formatRate(lanes.live.rate)} req/s ({percent(lanes.live.share)}), {lanes.live.waiting.toFixed(1)} waiting · bulk {formatRate(lanes.bulk.rate)} req/s (
        {percent(lanes.bulk.share)}), {lanes.bulk.waiting.toFixed(1)} waiting
      </Text>
      <Text dimColor>
        {'         '}bulk floor {percent(lanes.bulk.floor)} · ceiling {percent(lanes.bulk.ceiling)} · may take {percent(lanes.bulk.cap)} now{window}
      </Text>
      {bulk && (bulk.runs.length > 0 || bulk.control.state !== 'running') && (
        <Text>
          {'bulk     '}
          {bulk.control.state === 'paused' ? (
            <Text color="yellow" bold>
              paused
            </Text>
          ) : (
            bulk.control.state
          )}
          {bulk.runs.map((run) => ` · ${run.source} (${run.host}:${run.pid}) ${run.state}, ${run.rowsDone.toLocaleString('en-US')} rows`).join('')}
        </Text>
      )}
    </Box>
  );
}
