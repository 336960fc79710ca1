import { render } from 'ink';
import { MonitorApp } from './components/MonitorApp.js';
import type { MonitorBackend } from './model/monitorSource.js';
import type { MonitorOptions } from './options.js';

/**
 * Runs the live screen until `q`, Ctrl-C, SIGTERM or `signal`. Ink's `maxFps` bounds redraws, so a burst
 * of readings or key presses never floods the terminal.
 */
export async function runTui(backend: MonitorBackend, options: Pick<MonitorOptions, 'intervalMs' | 'budgetStep' | 'selected' | 'maxFps'>, signal?: AbortSignal): Promise<void> {
  const instance = render(<MonitorApp backend={backend} intervalMs={options.intervalMs} budgetStep={options.budgetStep} {...(options.selected !== undefined && { workspace: options.selected })} />, {
    maxFps: options.maxFps,
  });
  const stop = (): void => instance.unmount();
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', stop);
    signal?.removeEventListener('abort', stop);
  }
}
