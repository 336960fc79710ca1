import { Box, Text } from 'ink';
import { formatClock, formatDuration } from '../format.js';
import type { MonitorView } from '../model/view.js';

/** Props of {@link Header}. */
export interface HeaderProps {
  readonly view: MonitorView;
  readonly width: number;
}

/**
 * Where the monitor looks (Redis without its password, namespace) and whether it can see: a lost Redis
 * is said in red with the age of the figures below, which stay on screen but are stale.
 */
export function Header({ view, width }: HeaderProps) {
  const stale = view.lastConnectedAt === null ? 'no data yet' : `last data ${formatDuration((view.at - view.lastConnectedAt) / 1000)} ago`;
  return (
    <Box flexDirection="column">
      <Box gap={1} flexWrap="wrap">
        <Text bold>cioscale monitor</Text>
        {width >= 60 && <Text dimColor>{view.redis}</Text>}
        <Text dimColor>ns {view.namespace}</Text>
        {view.connected ? <Text color="green">● connected</Text> : <Text color="red" bold>✖ disconnected</Text>}
        <Text dimColor>{formatClock(view.at)}</Text>
      </Box>
      {!view.connected && (
        <Text color="red" wrap="truncate-end">
          Redis unreachable, retrying — {stale} ({view.error ?? 'unknown error'})
        </Text>
      )}
    </Box>
  );
}
