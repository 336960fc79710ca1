import { useTerminalSize } from '@cioscale/tui';
import { Box, Static, Text, useApp, useStdin } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatClock } from '../format.js';
import { useMonitorKeys, type Selection } from '../hooks/use-monitor-keys.js';
import { useMonitor } from '../hooks/use-monitor.js';
import type { AdvanceOptions } from '../model/advance.js';
import type { MonitorBackend } from '../model/monitorSource.js';
import { MonitorScreen } from './MonitorScreen.js';

/** Props of {@link MonitorApp}. */
export interface MonitorAppProps {
  readonly backend: MonitorBackend;
  /** Time between readings, ms. */
  readonly intervalMs: number;
  /** `+`/`-` step, requests/s. */
  readonly budgetStep: number;
  /** Workspace selected at start. @defaultValue the first */
  readonly workspace?: string;
  readonly model?: AdvanceOptions;
}

interface Notice {
  readonly id: number;
  readonly text: string;
  readonly failed: boolean;
}

/**
 * The live monitor: polls the backend, keeps the selection, handles keys. What the keys did, and each
 * loss and recovery of Redis, is logged above the screen with `<Static>`, so the record stays in the
 * terminal's scrollback after the monitor exits.
 */
export function MonitorApp({ backend, intervalMs, budgetStep, workspace, model }: MonitorAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns } = useTerminalSize();
  const { state, refresh } = useMonitor(backend, intervalMs, model);
  const [selection, select] = useState<Selection>({ workspace, shard: 0, showDeadLetters: false });
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  const nextId = useRef(0);
  const notify = useCallback((text: string, failed = false) => {
    const id = nextId.current++;
    setNotices((list) => [...list, { id, text: `${formatClock(Date.now())} ${text}`, failed }]);
  }, []);
  const view = state?.view;
  const connected = view?.connected;
  const wasConnected = useRef<boolean | undefined>(undefined);
  useEffect(() => {
    if (connected === undefined) return;
    if (wasConnected.current === true && !connected) notify(`lost Redis: ${view?.error ?? 'unknown error'}`, true);
    if (wasConnected.current === false && connected) notify('Redis is back');
    wasConnected.current = connected;
  }, [connected, notify, view?.error]);
  useMonitorKeys({ view, selection, select, backend, budgetStep, notify, refresh, quit: () => exit(), isActive: isRawModeSupported });
  // one column less than the terminal: a line that fills the last column makes some terminals wrap it
  const width = Math.max(20, columns - 1);
  return (
    <Box flexDirection="column">
      <Static items={[...notices]}>
        {(notice) => (
          <Text key={notice.id} {...(notice.failed && { color: 'red' })}>
            {notice.text}
          </Text>
        )}
      </Static>
      <MonitorScreen view={view} selected={selection.workspace} selectedShard={selection.shard} showDeadLetters={selection.showDeadLetters} width={width} budgetStep={budgetStep} />
    </Box>
  );
}
