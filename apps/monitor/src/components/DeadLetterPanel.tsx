import { Box, Text } from 'ink';
import { formatClock, formatCount } from '../format.js';
import type { WorkspaceReading } from '../model/snapshot.js';

/** Props of {@link DeadLetterPanel}. */
export interface DeadLetterPanelProps {
  readonly deadLetters: WorkspaceReading['deadLetters'];
  /** Show the recent records one per line (`d`) instead of the reasons summary. */
  readonly showSamples: boolean;
  readonly width: number;
}

/**
 * What did not get delivered and why: the count, the reasons of the most recent records, and with `d`
 * the records themselves (id, reason, message — never the operation, which is customer data).
 */
export function DeadLetterPanel({ deadLetters, showSamples, width }: DeadLetterPanelProps) {
  const { count, recent } = deadLetters;
  const reasons = new Map<string, number>();
  for (const sample of recent) reasons.set(sample.reason, (reasons.get(sample.reason) ?? 0) + 1);
  const summary = [...reasons].map(([reason, times]) => `${reason} ×${times}`).join(' · ');
  return (
    <Box flexDirection="column">
      <Box gap={1}>
        <Text bold>dead letter</Text>
        <Text color={count > 0 ? 'yellow' : 'green'}>{formatCount(count)}</Text>
        {count > 0 && !showSamples && (
          <Text dimColor wrap="truncate-end">
            recent: {summary}
          </Text>
        )}
      </Box>
      {showSamples &&
        (recent.length === 0 ? (
          <Text dimColor>no records</Text>
        ) : (
          recent.map((sample) => (
            <Text key={sample.id} wrap="truncate-end">
              {`  ${formatClock(sample.deadAt)} ${sample.status.padEnd(8)} ${sample.reason}${sample.field ? ` (${sample.field})` : ''}: ${sample.message}${width >= 100 ? `  ${sample.id}` : ''}`}
            </Text>
          ))
        ))}
    </Box>
  );
}
