import { advance, type MonitorState } from './model/advance.js';
import type { MonitorBackend } from './model/monitorSource.js';

/**
 * `--json` without `--once`: one JSON line per reading (NDJSON) until SIGINT/SIGTERM, for piping into
 * `jq` or a log. The sparkline histories are left out: each line carries its own rates.
 */
export async function streamJson(backend: Pick<MonitorBackend, 'read'>, intervalMs: number, out: NodeJS.WritableStream): Promise<void> {
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let state: MonitorState | undefined;
  while (!stopped) {
    state = advance(state, await backend.read(), { historySize: 1 });
    out.write(`${JSON.stringify(state.view)}\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}
