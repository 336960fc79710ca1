import { useCallback, useEffect, useRef, useState } from 'react';
import { Subject } from 'rxjs';
import { advance, type AdvanceOptions, type MonitorState } from '../model/advance.js';
import { monitorSnapshots, type SnapshotReader } from '../model/monitorSnapshots.js';

/** What {@link useMonitor} returns. */
export interface MonitorPolling {
  /** `undefined` until the first reading. */
  readonly state: MonitorState | undefined;
  /** Reads now instead of at the next tick (after a key changed something). */
  readonly refresh: () => void;
}

/**
 * Folds the backend's {@link monitorSnapshots} (a reading every `intervalMs`, never two at once) into the
 * model while the component is mounted. How often the screen is redrawn is Ink's `maxFps`, not this.
 */
export function useMonitor(backend: SnapshotReader, intervalMs: number, options: AdvanceOptions = {}): MonitorPolling {
  const [state, setState] = useState<MonitorState | undefined>(undefined);
  const [refreshes] = useState(() => new Subject<void>());
  const optionsRef = useRef(options);
  optionsRef.current = options;
  useEffect(() => {
    const subscription = monitorSnapshots(backend, { intervalMs, refresh: refreshes }).subscribe((snapshot) => setState((previous) => advance(previous, snapshot, optionsRef.current)));
    return () => subscription.unsubscribe();
  }, [backend, intervalMs, refreshes]);
  const refresh = useCallback(() => refreshes.next(), [refreshes]);
  return { state, refresh };
}
