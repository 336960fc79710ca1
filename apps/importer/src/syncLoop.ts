import { defer, exhaustMap, timer, type Observable, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { ImportOptions } from './importOptions.js';
import type { ImportRun } from './runImport.js';
import type { ImportSummary } from './summary.js';

/**
 * `run` now and then every `everyMs`, never two at once: a tick that comes while a run is still going is
 * dropped (`exhaustMap`), so a run longer than the interval is followed by the next tick, not by a queue
 * of catch-up runs.
 */
export function every<T>(everyMs: number, run: () => ObservableInput<T>, scheduler?: SchedulerLike): Observable<T> {
  return timer(0, everyMs, scheduler).pipe(exhaustMap(() => defer(run)));
}

/** What `--every` needs from the command line around it. */
export interface SyncLoopHooks {
  /** Starts one import (`startImport` with a fresh progress reporter). */
  readonly start: (options: ImportOptions) => ImportRun;
  /** A run ended: print its summary. */
  readonly finished: (summary: ImportSummary, runNumber: number) => void;
  /** Between runs: say when the next one starts. */
  readonly waiting: (nextAt: Date) => void;
}

/** A running `--every` loop. */
export interface SyncLoop {
  /** Resolves with the last run's summary once the loop is stopped (or `undefined` if none ran). */
  readonly done: Promise<ImportSummary | undefined>;
  /** Ctrl-C: stop the run in progress (it writes its checkpoint) and start no other. */
  stop(): void;
}

/**
 * The reverse-ETL loop without a scheduler: the same import every `options.every` ms. A run that did not
 * complete (interrupted, a delivery that failed, the database away) is continued by the next one with
 * `--resume`; a complete one is followed by a fresh run, which with `--cursor` reads only rows past the
 * cursor and with `--diff` sends only changes.
 */
export function startSyncLoop(options: ImportOptions & { readonly every: number }, hooks: SyncLoopHooks, scheduler?: SchedulerLike): SyncLoop {
  let current: ImportRun | undefined;
  let last: ImportSummary | undefined;
  let runs = 0;
  const now = (): number => scheduler?.now() ?? Date.now();
  const startedAt = now();
  let resolveDone: (summary: ImportSummary | undefined) => void = () => undefined;
  const done = new Promise<ImportSummary | undefined>((resolve) => (resolveDone = resolve));
  const subscription = every(
    options.every,
    async () => {
      runs += 1;
      const resume = options.resume || (last !== undefined && last.status !== 'complete');
      current = hooks.start({ ...options, resume });
      const summary = await current.done;
      current = undefined;
      last = summary;
      hooks.finished(summary, runs);
      // the ticks keep their rhythm: the next run starts at the first one after this run ended
      hooks.waiting(new Date(startedAt + (Math.floor((now() - startedAt) / options.every) + 1) * options.every));
      return summary;
    },
    scheduler,
  ).subscribe();
  return {
    done,
    stop: () => {
      subscription.unsubscribe();
      const run = current;
      if (run === undefined) resolveDone(last);
      else {
        run.stop();
        void run.done.then((summary) => resolveDone(summary));
      }
    },
  };
}
