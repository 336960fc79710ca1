import { render } from 'ink';
import { ImportProgress } from './components/ImportProgress.js';
import type { ProgressReporter, ProgressSnapshot } from './types.js';

/**
 * Progress as a live Ink view on a terminal, redrawn at most 10 times a second however fast rows go.
 * Ctrl-C stays with the CLI's own handler (graceful stop), not Ink's.
 */
export function inkReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const notices: string[] = [];
  let snapshot: ProgressSnapshot | undefined;
  let previous: ProgressSnapshot | undefined;
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
      if (previous && next.elapsedMs > previous.elapsedMs) {
        const seconds = (next.elapsedMs - previous.elapsedMs) / 1000;
        rowsPerSecond = (next.rows - previous.rows) / seconds;
        requestsPerSecond = (next.requests - previous.requests) / seconds;
      }
      previous = snapshot = next;
      instance.rerender(view());
    },
    stop() {
      instance.unmount();
    },
  };
}
