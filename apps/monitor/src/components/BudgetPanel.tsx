import { Gauge } from '@cioscale/tui';
import { Box, Text } from 'ink';
import { formatMs, formatRate } from '../format.js';
import type { WorkspaceView } from '../model/view.js';

/** Props of {@link BudgetPanel}. */
export interface BudgetPanelProps {
  readonly workspace: WorkspaceView;
  /** When the reading was taken, ms since the epoch (to tell whether a 429 pause is still on). */
  readonly at: number;
  readonly width: number;
}

/** Share of the budget from which the gauge turns yellow, and red: the fleet is at the limit. */
const WARN_AT = 0.75;
const DANGER_AT = 0.95;

/**
 * The fleet's request rate against the workspace budget. Red near the limit; says when a 429 has cut the
 * shared rate below the budget (AIMD) and while the whole fleet is paused by one.
 */
export function BudgetPanel({ workspace, at, width }: BudgetPanelProps) {
  const budget = workspace.reading.budget;
  if (!budget) {
    return <Text dimColor>budget   not in Redis yet (the first worker creates it from CIO_RATE_LIMIT)</Text>;
  }
  const gaugeWidth = Math.max(5, Math.min(30, width - 36));
  const pausedMs = budget.pausedUntil - at;
  return (
    <Box gap={2} flexWrap="wrap">
      <Gauge
        label="budget  "
        value={workspace.rates.requests}
        max={budget.ceiling}
        width={gaugeWidth}
        warnAt={WARN_AT}
        dangerAt={DANGER_AT}
        caption={`${formatRate(workspace.rates.requests)}/${formatRate(budget.ceiling)} req/s`}
      />
      {budget.rate < budget.ceiling && <Text color="yellow">backing off: {formatRate(budget.rate)} req/s</Text>}
      {pausedMs > 0 && (
        <Text color="red" bold>
          429 pause {formatMs(pausedMs)}
        </Text>
      )}
      {width >= 90 && <Text dimColor>burst {formatRate(budget.burst)}</Text>}
    </Box>
  );
}
