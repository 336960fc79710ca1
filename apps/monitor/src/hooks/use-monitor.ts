import { useCallback, useEffect, useRef, useState } from 'react';
import { advance, type AdvanceOptions, type MonitorState } from '../model/advance.js';
import type { MonitorBackend } from '../model/monitorSource.js';

/** What {@link useMonitor} returns. */
export interface MonitorPolling {
  /** `undefined` until the first reading. */
  readonly state: MonitorState | undefined;
  /** Reads now instead of at the next tick (after a key changed something). */
  readonly refresh: () => void;
}

/**
 * Reads the backend every `intervalMs` and folds each reading into the model. Readings never overlap: the
 * next one is scheduled when the last returns, so a slow Redis slows the monitor instead of piling up
 * commands. How often the screen is redrawn is Ink's `maxFps`, not this.
 */
export function useMonitor(backend: Pick<MonitorBackend, 'read'>, intervalMs: number, options: AdvanceOptions = {}): MonitorPolling {
  const [state, setState] = useState<MonitorState | undefined>(undefined);
  const wake = useRef<() => void>(() => undefined);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let reading = false;
    const tick = async (): Promise<void> => {
      if (stopped || reading) return;
      reading = true;
      clearTimeout(timer);
      const snapshot = await backend.read();
      reading = false;
      if (stopped) return;
      setState((previous) => advance(previous, snapshot, optionsRef.current));
      timer = setTimeout(() => void tick(), intervalMs);
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [backend, intervalMs]);
  const refresh = useCallback(() => wake.current(), []);
  return { state, refresh };
}
