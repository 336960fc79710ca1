import { EMPTY, fromEvent, lastValueFrom, merge, takeUntil, tap, type SchedulerLike } from 'rxjs';
import { foldSnapshots } from './model/advance.js';
import { monitorSnapshots, type SnapshotReader } from './model/monitorSnapshots.js';

/**
 * `--json` without `--once`: one JSON line per reading (NDJSON) until SIGINT/SIGTERM (or `options.signal`),
 * for piping into `jq` or a log. The sparkline histories are left out: each line carries its own rates.
 */
export async function streamJson(
  backend: SnapshotReader,
  intervalMs: number,
  out: NodeJS.WritableStream,
  options: { readonly signal?: AbortSignal; readonly scheduler?: SchedulerLike } = {},
): Promise<void> {
  // listening to the signals also keeps them from killing the process: the CLI closes Redis, then exits
  const stop = merge(fromEvent(process, 'SIGINT'), fromEvent(process, 'SIGTERM'), options.signal ? fromEvent(options.signal, 'abort') : EMPTY);
  const lines = monitorSnapshots(backend, { intervalMs, ...(options.scheduler && { scheduler: options.scheduler }) }).pipe(
    foldSnapshots({ historySize: 1 }),
    takeUntil(stop),
    tap((state) => out.write(`${JSON.stringify(state.view)}\n`)),
  );
  await lastValueFrom(lines, { defaultValue: undefined });
}
