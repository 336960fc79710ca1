import type { GatewayReport } from '@cioscale/queue';
import { Box, Text } from 'ink';
import { formatCount, formatRate } from '../format.js';

/** Props of {@link GatewayPanel}. */
export interface GatewayPanelProps {
  /** Every gateway's latest report. */
  readonly gateways: readonly GatewayReport[];
  /** The workspace on screen. */
  readonly workspace: string;
}

/**
 * What the ingest gateways (apps/gateway) accept into the workspace's queue and refuse at the door, summed
 * over the gateways: calls/s accepted, refused by reason, and the backlog against its limit — red while
 * they answer 429. Nothing when no gateway serves the workspace.
 */
export function GatewayPanel({ gateways, workspace }: GatewayPanelProps) {
  const serving = gateways.filter((gateway) => gateway.workspaces[workspace] !== undefined);
  if (serving.length === 0) return null;
  let accepted = 0;
  let backlog = 0;
  let limit = 0;
  let refusing = false;
  const refused = new Map<string, number>();
  for (const gateway of serving) {
    const report = gateway.workspaces[workspace]!;
    accepted += report.acceptedPerSecond;
    // every gateway reads the same queue: the backlog is the largest reading, never the sum
    backlog = Math.max(backlog, report.backlog);
    limit = Math.max(limit, report.backlogLimit);
    refusing ||= report.refusing;
    for (const [reason, perSecond] of Object.entries(report.refusedPerSecond)) refused.set(reason, (refused.get(reason) ?? 0) + perSecond);
  }
  const reasons = [...refused].filter(([, perSecond]) => perSecond > 0).sort((a, b) => b[1] - a[1]);
  const refusedTotal = reasons.reduce((sum, [, perSecond]) => sum + perSecond, 0);
  return (
    <Box>
      <Text>
        gateway ({serving.length}) accepted {formatRate(accepted)} calls/s · refused {formatRate(refusedTotal)}/s
        {reasons.length > 0 && ` (${reasons.map(([reason, perSecond]) => `${reason} ${formatRate(perSecond)}`).join(', ')})`} · backlog {formatCount(backlog)}/{formatCount(limit)}{' '}
      </Text>
      {refusing && <Text color="red">answering 429</Text>}
    </Box>
  );
}
