import { asyncScheduler, catchError, defer, of, race, repeat, timer, type Observable, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { MonitorBackend } from './monitorSource.js';
import type { MonitorSnapshot } from './snapshot.js';

/** Where the snapshots come from: {@link MonitorBackend} (a promise per reading) or anything that reads like it. */
export interface SnapshotReader {
  read(): ObservableInput<MonitorSnapshot>;
  disconnected: MonitorBackend['disconnected'];
}

/** Options of {@link monitorSnapshots}. */
export interface MonitorSnapshotsOptions {
  /** Time from the end of one reading to the start of the next, ms. */
  readonly intervalMs: number;
  /** Each value starts the next reading now instead of at the end of the interval (after a key changed something); ignored while a reading runs. @defaultValue none */
  readonly refresh?: Observable<unknown>;
  /** Times the interval. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The monitor's readings as one stream: a reading at subscription, then one `intervalMs` after each
 * reading returned — never two at once, so a slow Redis slows the monitor instead of piling up commands.
 * A reading that fails becomes a `connected: false` snapshot and the stream goes on, so it recovers when
 * Redis does. Unsubscribing stops the readings (one already running is left to finish, unread). The TUI,
 * `--once` and `--json` all read Redis through it.
 *
 * @example monitorSnapshots(source, { intervalMs: 1_000 }).pipe(foldSnapshots()).subscribe(({ view }) => draw(view));
 */
export function monitorSnapshots(reader: SnapshotReader, options: MonitorSnapshotsOptions): Observable<MonitorSnapshot> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const reading = defer(() => {
    const at = scheduler.now();
    return defer(() => reader.read()).pipe(catchError((error: unknown) => of(reader.disconnected(error, at))));
  });
  const nextReading = (): Observable<unknown> => {
    const interval = timer(options.intervalMs, scheduler);
    return options.refresh ? race(interval, options.refresh) : interval;
  };
  return reading.pipe(repeat({ delay: nextReading }));
}
