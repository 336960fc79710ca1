import { renderToString } from 'ink';
import { lastValueFrom, takeWhile, type SchedulerLike } from 'rxjs';
import { MonitorScreen } from './components/MonitorScreen.js';
import { foldSnapshots } from './model/advance.js';
import { monitorSnapshots, type SnapshotReader } from './model/monitorSnapshots.js';
import type { MonitorView } from './model/view.js';

/**
 * Two readings `intervalMs` apart — rates need two — folded into one view; one only when Redis did not
 * answer. Used by `--once` and by the demo's non-interactive run.
 */
export async function readOnce(backend: SnapshotReader, intervalMs: number, scheduler?: SchedulerLike): Promise<MonitorView> {
  const snapshots = monitorSnapshots(backend, { intervalMs, ...(scheduler && { scheduler }) });
  const state = await lastValueFrom(snapshots.pipe(takeWhile((snapshot, index) => index === 0 && snapshot.connected, true), foldSnapshots()));
  return state.view;
}

/** The screen of `view` as plain text, `columns` wide (what `--once` without `--json` prints). */
export function screenText(view: MonitorView, options: { readonly columns: number; readonly selected?: string; readonly budgetStep: number }): string {
  return renderToString(
    <MonitorScreen view={view} selected={options.selected} selectedShard={0} showDeadLetters={false} width={options.columns - 1} budgetStep={options.budgetStep} />,
    { columns: options.columns },
  );
}
