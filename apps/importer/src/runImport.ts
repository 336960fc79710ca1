import { basename, join } from 'node:path';
import { PipelineMetrics, TokenBucket } from '@cioscale/core';
import type { Subscription } from 'rxjs';
import { statePaths, writeCheckpoint } from './checkpoint.js';
import { DiffStore } from './diffStore.js';
import { openFailedRows } from './failedJsonLines.js';
import type { FailedRowsSink } from './failedRowsFile.js';
import type { ImportOptions } from './importOptions.js';
import { dryRunRefusals } from './dryRunRefusals.js';
import { openInput, type OpenedInput } from './openInput.js';
import type { SharedBudget } from './sharedBudget.js';
import type { ProgressReporter, ProgressSnapshot } from './progress.js';
import { createRowFlow, type RowFlow } from './rowFlow.js';
import { NO_IMPACT, NO_ROWS, RowLedger } from './rowLedger.js';
import { RowPlanner } from './rowPlanner.js';
import { EMBEDDED_NOTICE, type ImportStatus, type ImportSummary } from './summary.js';
import { openTarget, type OpenTarget } from './target.js';

/** A running import. */
export interface ImportRun {
  /** Resolves with the summary however the run ends (fatal errors included). */
  readonly done: Promise<ImportSummary>;
  /** Ctrl-C: stop reading, let in-flight requests finish within `graceMs`, write the checkpoint. */
  stop(): void;
}

const CHECKPOINT_EVERY_MS = 1000;
const PROGRESS_EVERY_MS = 500;

/**
 * Starts an import: the input is opened and checked, then rows flow one way — file → planner → core
 * `deliver()` → the row ledger, which settles each row once (checkpoint watermark, failed-rows file, diff
 * store, counts). The summary and the progress view are read from the ledger.
 *
 * Memory is bounded by the read-ahead window (rows read and not yet settled), whatever the file size.
 */
export function startImport(options: ImportOptions, reporter: ProgressReporter): ImportRun {
  let stopRequested = false;
  let stopHook: () => void = () => undefined;
  const done = run(options, reporter, (hook) => {
    stopHook = hook;
    if (stopRequested) hook();
  });
  return {
    done,
    stop: () => {
      stopRequested = true;
      stopHook();
    },
  };
}

async function run(options: ImportOptions, reporter: ProgressReporter, onStoppable: (stop: () => void) => void): Promise<ImportSummary> {
  const startedAt = Date.now();
  const bucket = new TokenBucket({ rate: options.rate });
  // the pipeline records into it; its snapshots show this bucket's budget
  let metrics = new PipelineMetrics(undefined, bucket);
  let shared: SharedBudget | undefined;
  const paths = statePaths(options.file, options.stateDir);
  let target: OpenTarget | undefined;
  let failedRows: FailedRowsSink | undefined;
  let opened: OpenedInput | undefined;
  let ledger: RowLedger | undefined;
  let saveCheckpoint: ((complete: boolean) => void) | undefined;
  let targetName = options.dryRun ? 'dry-run' : options.target.kind === 'embedded' ? 'embedded-emulator' : '';
  const summary = (status: ImportStatus, error?: string): ImportSummary => {
    const m = metrics.snapshot();
    return {
      ...(ledger?.counts() ?? NO_ROWS),
      requests: m.requests,
      rateLimited: m.rateLimited,
      retries: m.retries,
      durationMs: Date.now() - startedAt,
      target: targetName,
      status,
      dryRun: options.dryRun,
      resumedFrom: opened?.resumed?.rowsDone ?? 0,
      failedFile: failedRows && failedRows.count > 0 ? failedRows.path : undefined,
      checkpoint: options.dryRun ? undefined : paths.checkpoint,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      error,
      input: opened?.input,
      reserved: opened?.mapper.reserved ?? [],
      rejectedByReason: ledger?.rejectedByReason() ?? {},
      impact: ledger?.impact() ?? NO_IMPACT,
    };
  };

  try {
    const input = await openInput(options, paths, reporter);
    if (input === 'complete') return summary('complete');
    opened = input;
    const { csv, identity } = input;
    if (options.dryRun) reporter.notice(`dry run (${apiName(options.target)}): rows are mapped and validated; nothing is sent`);
    else {
      if (options.target.kind === 'embedded') reporter.notice(`⚠ ${EMBEDDED_NOTICE}`);
      target = await openTarget(options.target, options);
      targetName = target.name;
      // the one line that says which API and host this run writes to; keys are masked by the sink
      reporter.notice(`sending to ${target.emulator ? 'the embedded emulator: ' : ''}${target.transport.description}`);
      if (options.sharedBudget) {
        // loaded only with --redis: BullMQ and ioredis cost an import without one ~35 MB of RSS
        const { openSharedBudget } = await import('./sharedBudget.js');
        shared = await openSharedBudget(options.sharedBudget, { file: options.file, rate: options.rate, startedAt });
        metrics = new PipelineMetrics(undefined, shared.tokenSource);
        reporter.notice(`budget: ${shared.description}`);
      }
      if (options.mapping.kind === 'events' && !options.refuseRecentEvents) {
        reporter.notice("⚠ events dated within Customer.io's 72-hour window, or without a timestamp, can trigger campaigns: --dry-run counts them, --no-recent-events refuses them");
      }
    }
    const failedFormat = input.failedFormat ?? 'csv';
    const failedPath = options.failedPath ?? join(paths.dir, `${basename(options.file)}.failed.${failedFormat}`);
    const writer = openFailedRows(failedFormat, failedPath, csv.header, { resumeAtBytes: input.resumed?.failedBytes, lineNumbers: input.lineNumbers === true });
    failedRows = writer;
    const diff = options.diff ? loadDiff(paths.diff, targetName, reporter) : undefined;
    // the ledger gives window room back to the flow, which is built after it (the flow needs the ledger)
    // eslint-disable-next-line prefer-const -- assigned once, below, but read by the closure above it
    let flow: RowFlow | undefined;
    const book = new RowLedger({
      start: input.resumed?.rowsDone ?? 0,
      failedRows: writer,
      diff,
      release: (ref) => flow?.release(ref),
      onFailure: (_row, error) => {
        reporter.notice(`delivery failed after retries (${error.message}); stopping`);
        csv.stop();
      },
    });
    ledger = book;
    const planner = new RowPlanner(options.file, input.mapper, {
      dryRun: options.dryRun,
      diff,
      refuseRecentEvents: options.refuseRecentEvents,
      stamper: input.stamper,
      sinkRefusal: options.dryRun ? dryRunRefusals(options.target) : undefined,
      onFirstRecentEvent: (row) => reporter.notice(`⚠ row ${row} is the first recent event sent: it can trigger campaigns (the summary counts them)`),
    });
    flow = createRowFlow({
      csv,
      planner,
      ledger: book,
      concurrency: options.concurrency,
      maxOperations: options.batchSize,
      ...(target && { maxBytes: target.transport.batchMaxBytes }),
      delivery: target && {
        transport: target.transport.send,
        tokenSource: shared?.tokenSource ?? bucket,
        concurrency: options.concurrency,
        metrics,
        retry: { maxAttempts: options.maxAttempts },
      },
    });
    saveCheckpoint = (complete: boolean): void => {
      if (options.dryRun) return;
      const fields = input.state?.checkpoint(book.rowsDone) ?? {};
      writeCheckpoint(paths.checkpoint, { file: identity, rowsDone: book.rowsDone, failedBytes: writer.bytes, runSeconds: input.stamper.runSeconds, complete, ...fields });
      input.state?.saved(fields);
    };
    const save = saveCheckpoint;
    const snapshot = (): ProgressSnapshot => {
      const m = metrics.snapshot();
      const { pending: _inFlight, ...counts } = book.counts();
      return {
        elapsedMs: Date.now() - startedAt,
        ...counts,
        requests: m.requests,
        rateLimited: m.rateLimited,
        retries: m.retries,
        budget: { rate: m.tokens?.rate ?? options.rate, ceiling: m.tokens?.ceiling ?? options.rate },
        fractionRead: identity.size > 0 ? Math.min(1, csv.bytesRead / identity.size) : 1,
        paused: shared?.paused() ?? false,
      };
    };

    const checkpointTimer = setInterval(() => save(false), CHECKPOINT_EVERY_MS);
    let subscription: Subscription | undefined;
    let interrupted = false;
    const reportRun = (): void => shared?.report({ rowsDone: book.rowsDone, requests: metrics.snapshot().requests, stopping: interrupted });
    const progressTimer = setInterval(() => {
      reporter.update(snapshot());
      reportRun();
    }, PROGRESS_EVERY_MS);
    // the monitor lists the run (and can pause it) from its first request, not from the first progress tick
    reportRun();
    let stopNow: (() => void) | undefined;
    const control = shared && followControl(shared, reporter, () => stopNow?.(), () => save(false));
    let status: ImportStatus;
    try {
      status = await new Promise<ImportStatus>((resolve, reject) => {
        let graceTimer: NodeJS.Timeout | undefined;
        onStoppable((stopNow = () => {
          if (interrupted) return;
          interrupted = true;
          reporter.notice(`stopping: no more rows are read; waiting up to ${Math.round(options.graceMs / 1000)} s for requests in flight`);
          csv.stop();
          graceTimer = setTimeout(() => {
            subscription?.unsubscribe();
            resolve('interrupted');
          }, options.graceMs);
        }));
        subscription = flow.results.subscribe({
          next: (result) => book.settle(result),
          error: (error: unknown) => {
            clearTimeout(graceTimer);
            reject(error);
          },
          complete: () => {
            clearTimeout(graceTimer);
            resolve(interrupted ? 'interrupted' : 'complete');
          },
        });
      });
    } finally {
      clearInterval(checkpointTimer);
      clearInterval(progressTimer);
      control?.unsubscribe();
      subscription?.unsubscribe();
    }
    reporter.update(snapshot());
    const failure = book.firstFailure;
    if (failure !== undefined) status = 'fatal';
    save(status === 'complete');
    if (diff && !options.dryRun) diff.save(paths.diff);
    if (failure === undefined) return summary(status);
    return summary(
      'fatal',
      `${book.counts().failed} row(s) could not be delivered: ${failure.error.message}; the checkpoint stops before row ${book.rowsDone + 1}: run again with --resume to send them`,
    );
  } catch (error) {
    // a fatal error part-way (an invalid byte, a broken quote): the rows settled before it stay done
    saveCheckpoint?.(false);
    return summary('fatal', error instanceof Error ? error.message : String(error));
  } finally {
    opened?.csv.close();
    failedRows?.close();
    await opened?.close?.();
    await shared?.close();
    await target?.close();
  }
}

/** `Track API` or `Data Pipelines API`, for lines that name the run's API before a transport exists. */
function apiName(target: ImportOptions['target']): string {
  const api = target.kind === 'embedded' ? target.api : target.sink.api;
  return api === 'pipelines' ? 'Data Pipelines API, --api pipelines' : 'Track API';
}

function loadDiff(path: string, target: string, reporter: ProgressReporter): DiffStore {
  const { store, note } = DiffStore.load(path, target);
  if (note) reporter.notice(`--diff: ${note}`);
  reporter.notice(`--diff: ${store.size} people/events remembered; unchanged rows are skipped`);
  return store;
}

/**
 * The monitor's commands for a bulk run: a pause is told and checkpointed (the token source already holds
 * new requests; those in flight finish), a cancel stops the run as Ctrl-C does, so `--resume` continues.
 */
function followControl(shared: SharedBudget, reporter: ProgressReporter, stop: () => void, checkpoint: () => void): Subscription {
  let paused = false;
  return shared.control.subscribe((state) => {
    if (state === 'paused') {
      paused = true;
      reporter.notice('paused from the monitor: requests in flight finish, nothing more is sent until it resumes the run');
      checkpoint();
    } else if (state === 'cancelled') {
      reporter.notice('cancelled from the monitor');
      stop();
    } else if (paused) {
      paused = false;
      reporter.notice('resumed from the monitor');
    }
  });
}
