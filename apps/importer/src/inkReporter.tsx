import { render } from 'ink';
import { ImportProgress } from './components/ImportProgress.js';
import { settledRows, type ProgressReporter, type ProgressSnapshot } from './progress.js';

/** Rates are measured over this long: one 500 ms step would show each burst of the token bucket. */
const RATE_WINDOW_MS = 5000;

/**
 * Progress as a live Ink view on a terminal, redrawn at most 10 times a second however fast rows go.
 * Ctrl-C stays with the CLI's own handler (graceful stop), not Ink's.
 */
export function inkReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const notices: string[] = [];
  let snapshot: ProgressSnapshot | undefined;
  const recent: ProgressSnapshot[] = [];
  let rowsPerSecond = 0;
  let requestsPerSecond = 0;
  const view = () => <ImportProgress notices={[...notices]} snapshot={snapshot} rowsPerSecond={rowsPerSecond} requestsPerSecond={requestsPerSecond} />;
  const instance = render(view(), { stdout: stream, maxFps: 10, exitOnCtrlC: false, patchConsole: false });
  return {
    notice(message) {
      notices.push(message);
      instance.rerender(view());
    },
    update(next) {
      recent.push(next);
      while (recent.length > 2 && next.elapsedMs - (recent[1] as ProgressSnapshot).elapsedMs >= RATE_WINDOW_MS) recent.shift();
      const oldest = recent[0] as ProgressSnapshot;
      if (next.elapsedMs > oldest.elapsedMs) {
        const seconds = (next.elapsedMs - oldest.elapsedMs) / 1000;
        rowsPerSecond = (settledRows(next) - settledRows(oldest)) / seconds;
        requestsPerSecond = (next.requests - oldest.requests) / seconds;
      }
      snapshot = next;
      instance.rerender(view());
    },
    stop() {
      instance.unmount();
    },
  };
}
