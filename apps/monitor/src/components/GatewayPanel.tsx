import type { GatewayReport } from '@cioscale/queue';
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatRate } from '../format.js';

/** Whether drain ETA `a` is longer than `b`; null is "nothing drains", longer than any. */
const longer = (a: number | null, b: number | null): boolean => a === null || (b !== null && a > b);

/** Props of {@link GatewayPanel}. */
export interface GatewayPanelProps {
  /** Every gateway's latest report. */
  readonly gateways: readonly GatewayReport[];
  /** The workspace on screen. */
  readonly workspace: string;
}

/**
 * What the ingest gateways (apps/gateway) accept into the workspace's queue and refuse at the door, summed
 * over the gateways: calls/s accepted, refused by reason, the backlog against its limit and, with the
 * drain-ETA limit on, a second line with the time the workers need to deliver that backlog against its
 * limit — red while they answer 429, on the line of the limit passed. Nothing when no gateway serves the
 * workspace.
 */
export function GatewayPanel({ gateways, workspace }: GatewayPanelProps) {
  const serving = gateways.filter((gateway) => gateway.workspaces[workspace] !== undefined);
  if (serving.length === 0) return null;
  let accepted = 0;
  let backlog = 0;
  let limit = 0;
  let refusing = false;
  const refusals = new Set<string>();
  // the ETA of the gateway that sees the longest (null: nothing drains), with the rate behind it
  let eta: { seconds: number | null; perSecond: number } | undefined;
  let maxDrainSeconds: number | undefined;
  const refused = new Map<string, number>();
  for (const gateway of serving) {
    const report = gateway.workspaces[workspace]!;
    accepted += report.acceptedPerSecond;
    // every gateway reads the same queue: the backlog is the largest reading, never the sum
    backlog = Math.max(backlog, report.backlog);
    limit = Math.max(limit, report.backlogLimit);
    refusing ||= report.refusing;
    if (report.refusing && report.refusal) refusals.add(report.refusal);
    if (report.maxDrainSeconds !== undefined) maxDrainSeconds = Math.max(maxDrainSeconds ?? 0, report.maxDrainSeconds);
    if (report.drainEtaSeconds !== undefined && (eta === undefined || longer(report.drainEtaSeconds, eta.seconds))) {
      eta = { seconds: report.drainEtaSeconds, perSecond: report.drainPerSecond ?? 0 };
    }
    for (const [reason, perSecond] of Object.entries(report.refusedPerSecond)) refused.set(reason, (refused.get(reason) ?? 0) + perSecond);
  }
  const reasons = [...refused].filter(([, perSecond]) => perSecond > 0).sort((a, b) => b[1] - a[1]);
  const refusedTotal = reasons.reduce((sum, [, perSecond]) => sum + perSecond, 0);
  const drain =
    eta === undefined ? 'measuring' : eta.seconds === null ? '∞ (workers finish none)' : `${formatDuration(eta.seconds)} at ${formatRate(eta.perSecond)} ops/s`;
  return (
    <Box flexDirection="column">
      <Box>
        <Text>
          gateway ({serving.length}) accepted {formatRate(accepted)} calls/s · refused {formatRate(refusedTotal)}/s
          {reasons.length > 0 && ` (${reasons.map(([reason, perSecond]) => `${reason} ${formatRate(perSecond)}`).join(', ')})`} · backlog {formatCount(backlog)}/{formatCount(limit)}{' '}
        </Text>
        {refusing && <Text color="red">answering 429</Text>}
      </Box>
      {maxDrainSeconds !== undefined && (
        <Box>
          <Text>
            gateway drain ETA {drain} · limit {formatDuration(maxDrainSeconds)}{' '}
          </Text>
          {refusals.has('drain_eta') && <Text color="red">past it: answering 429</Text>}
        </Box>
      )}
    </Box>
  );
}
