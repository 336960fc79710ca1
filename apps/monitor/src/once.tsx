import { renderToString } from 'ink';
import { MonitorScreen } from './components/MonitorScreen.js';
import { advance, type MonitorState } from './model/advance.js';
import type { MonitorBackend } from './model/monitorSource.js';
import type { MonitorView } from './model/view.js';

/**
 * Two readings `intervalMs` apart — rates need two — folded into one view. Used by `--once` and by
 * the demo's non-interactive run.
 */
export async function readOnce(backend: Pick<MonitorBackend, 'read'>, intervalMs: number): Promise<MonitorView> {
  let state: MonitorState | undefined = advance(undefined, await backend.read());
  if (state.view.connected) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    state = advance(state, await backend.read());
  }
  return state.view;
}

/** The screen of `view` as plain text, `columns` wide (what `--once` without `--json` prints). */
export function screenText(view: MonitorView, options: { readonly columns: number; readonly selected?: string; readonly budgetStep: number }): string {
  return renderToString(
    <MonitorScreen view={view} selected={options.selected} selectedShard={0} showDeadLetters={false} width={options.columns - 1} budgetStep={options.budgetStep} />,
    { columns: options.columns },
  );
}
