import { basename, join } from 'node:path';
import { AuthenticationError, createPullSource, deliver, PipelineMetrics, TokenBucket, type Envelope } from '@cioscale/core';
import { ignoreElements, Observable, type Subscription } from 'rxjs';
import { fileIdentity, readCheckpoint, statePaths, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { openCsv, type CsvRow } from './csvSource.js';
import { DiffStore } from './diffStore.js';
import { ImportError } from './errors.js';
import { FailedRowsWriter } from './failedRows.js';
import { fileProblem } from './fileProblem.js';
import { detectInputFormat, show } from './inputFormat.js';
import { RowHandler, type RowCounts, type RowRef, type RowSink } from './rowHandler.js';
import { createRowMapper } from './rowMapper.js';
import { openTarget, type OpenTarget } from './target.js';
import { Watermark } from './watermark.js';
import type { ImportOptions, ImportStatus, ImportSummary, ProgressReporter, ProgressSnapshot } from './types.js';

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
 * Starts an import: CSV → rows → envelopes → core `deliver` → outcomes → checkpoint, failed rows, diff.
 *
 * Memory is bounded by the pull source's window (rows read and not yet settled), whatever the file size.
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
  const counts: RowCounts = { rows: 0, delivered: 0, rejected: 0, failed: 0, skipped: 0, valid: 0 };
  const metrics = new PipelineMetrics();
  const paths = statePaths(options.file, options.stateDir);
  const failedPath = options.failedPath ?? join(paths.dir, `${basename(options.file)}.failed.csv`);
  let target: OpenTarget | undefined;
  let failed: FailedRowsWriter | undefined;
  let resumedFrom = 0;
  let input: ImportSummary['input'];
  let reserved: ImportSummary['reserved'] = [];
  let targetName = options.dryRun ? 'dry-run' : options.target.kind === 'embedded' ? 'embedded-emulator' : '';
  const summary = (status: ImportStatus, error?: string): ImportSummary => {
    const snapshot = metrics.snapshot();
    return {
      ...counts,
      requests: snapshot.requests,
      rateLimited: snapshot.rateLimited,
      retries: snapshot.retries,
      durationMs: Date.now() - startedAt,
      target: targetName,
      status,
      dryRun: options.dryRun,
      resumedFrom,
      failedFile: failed && failed.count > 0 ? failed.path : undefined,
      checkpoint: options.dryRun ? undefined : paths.checkpoint,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      input,
      reserved,
      error,
    };
  };

  try {
    const identity = fileIdentityOrThrow(options.file);
    const previous = options.dryRun ? undefined : readCheckpoint(paths.checkpoint);
    const resumeFrom = resumePoint(options, previous, identity, reporter);
    if (resumeFrom === 'complete') return summary('complete');
    resumedFrom = resumeFrom?.rowsDone ?? 0;
    const format = detectInputFormat(options.file, { encoding: options.encoding, delimiter: options.delimiter });
    input = { encoding: format.encoding, delimiter: format.delimiter === '\t' ? 'tab' : format.delimiter };
    if (format.encodingFrom === 'bom' && format.encoding !== 'utf-8') reporter.notice(`encoding: ${format.encoding} (from the byte-order mark)`);
    if (format.delimiterFrom === 'header' && format.delimiter !== ',') reporter.notice(`delimiter: ${show(format.delimiter)} (detected from the header line; --delimiter to override)`);
    const csv = await openCsv(options.file, { skip: resumedFrom, format, ...(options.limit !== undefined && { limit: options.limit }) });
    const mapper = createRowMapper(csv.header, options.mapping, options.idColumn, { allowReserved: options.allowReserved });
    reserved = mapper.reserved;
    if (!options.dryRun) {
      target = await openTarget(options.target, options);
      targetName = target.name;
    }
    failed = new FailedRowsWriter(failedPath, csv.header, resumeFrom?.failedBytes);
    const writer = failed;
    const diff = options.diff ? loadDiff(paths.diff, targetName, reporter) : undefined;
    // enough rows for every request in flight plus one batch being filled; more only costs memory
    const highWaterMark = Math.max(options.batchSize * (options.concurrency + 2), 1000);
    // rows come in chunks (one await per chunk); the window still counts rows, released one by one
    const pull = createPullSource(csv.chunks, { highWaterMark, size: (chunk) => chunk.length });
    const watermark = new Watermark(resumedFrom, (row) => writer.pass(row));
    const sink: RowSink = {
      settle(row, result, failure) {
        counts[result] += 1;
        if (failure) writer.add(row, failure.cells, failure.reason);
        watermark.complete(row);
        pull.release();
      },
      fail(row, error) {
        counts.failed += 1;
        if (firstFailure === undefined) {
          firstFailure = { row, error };
          reporter.notice(`delivery failed after retries (${error.message}); stopping`);
          csv.stop();
        }
      },
    };
    let firstFailure: { row: number; error: Error } | undefined;
    const handler = new RowHandler(options.file, mapper, sink, { dryRun: options.dryRun, diff });
    const saveCheckpoint = (complete: boolean): void => {
      if (!options.dryRun) writeCheckpoint(paths.checkpoint, { file: identity, rowsDone: watermark.rows, failedBytes: writer.bytes, complete });
    };

    const envelopes$ = new Observable<Envelope<RowRef>>((subscriber) =>
      pull.values.subscribe({
        next: (chunk: CsvRow[]) => {
          for (let i = 0; i < chunk.length; i++) {
            if (csv.stopped) {
              // rows of the chunk never emitted are never settled: give their room in the window back
              pull.release(chunk.length - i);
              return;
            }
            counts.rows += 1;
            const envelope = handler.prepare(chunk[i] as CsvRow);
            if (envelope) subscriber.next(envelope);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
    const outcomes$ = target
      ? deliver(envelopes$, {
          transport: target.transport.send,
          tokenSource: new TokenBucket({ rate: options.rate }),
          concurrency: options.concurrency,
          metrics,
          batch: { maxOperations: options.batchSize, maxWaitMs: 100 },
          retry: { maxAttempts: options.maxAttempts },
        })
      : // a dry run settles every row in prepare(); nothing reaches the network
        envelopes$.pipe(ignoreElements());

    const snapshot = (): ProgressSnapshot => {
      const m = metrics.snapshot();
      return {
        elapsedMs: Date.now() - startedAt,
        ...counts,
        requests: m.requests,
        rateLimited: m.rateLimited,
        retries: m.retries,
        budget: { rate: m.tokens?.rate ?? options.rate, ceiling: m.tokens?.ceiling ?? options.rate },
        fractionRead: identity.size > 0 ? Math.min(1, csv.bytesRead / identity.size) : 1,
      };
    };
    const checkpointTimer = setInterval(() => saveCheckpoint(false), CHECKPOINT_EVERY_MS);
    const progressTimer = setInterval(() => reporter.update(snapshot()), PROGRESS_EVERY_MS);
    let subscription: Subscription | undefined;
    let interrupted = false;
    let status: ImportStatus;
    try {
      status = await new Promise<ImportStatus>((resolve, reject) => {
        let graceTimer: NodeJS.Timeout | undefined;
        onStoppable(() => {
          if (interrupted) return;
          interrupted = true;
          reporter.notice(`stopping: no more rows are read; waiting up to ${Math.round(options.graceMs / 1000)} s for requests in flight`);
          csv.stop();
          graceTimer = setTimeout(() => {
            subscription?.unsubscribe();
            resolve('interrupted');
          }, options.graceMs);
        });
        subscription = outcomes$.subscribe({
          next: (outcome) => handler.outcome(outcome),
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
      subscription?.unsubscribe();
    }
    reporter.update(snapshot());
    if (firstFailure !== undefined) status = 'fatal';
    saveCheckpoint(status === 'complete');
    if (diff && !options.dryRun) diff.save(paths.diff);
    if (firstFailure === undefined) return summary(status);
    return summary(
      'fatal',
      `${counts.failed} row(s) could not be delivered: ${firstFailure.error.message}; the checkpoint stops before row ${watermark.rows + 1}: run again with --resume to send them`,
    );
  } catch (error) {
    return summary('fatal', fatalReason(error));
  } finally {
    failed?.close();
    await target?.close();
  }
}

function fileIdentityOrThrow(file: string): Checkpoint['file'] {
  let identity: Checkpoint['file'] & { directory: boolean };
  try {
    identity = fileIdentity(file);
  } catch (error) {
    throw new ImportError('CIO_IMPORT_FILE', fileProblem(file, error));
  }
  const { directory, ...rest } = identity;
  if (directory) throw new ImportError('CIO_IMPORT_FILE', fileProblem(file, Object.assign(new Error('EISDIR'), { code: 'EISDIR' })));
  return rest;
}

/** The checkpoint to continue from, `complete` when there is nothing left, or `undefined` to start over. */
function resumePoint(options: ImportOptions, previous: Checkpoint | undefined, identity: Checkpoint['file'], reporter: ProgressReporter): Checkpoint | 'complete' | undefined {
  if (!options.resume) {
    if (previous && !previous.complete) reporter.notice(`an unfinished checkpoint exists (${previous.rowsDone} rows done); starting over — use --resume to continue it`);
    return undefined;
  }
  if (!previous) {
    reporter.notice('--resume: no checkpoint found; starting from the first row');
    return undefined;
  }
  if (previous.file.size !== identity.size || previous.file.mtimeMs !== identity.mtimeMs) {
    throw new ImportError('CIO_IMPORT_CHECKPOINT', `--resume: ${options.file} changed since the checkpoint was written; run without --resume to start over`);
  }
  if (previous.complete) {
    reporter.notice(`--resume: the checkpoint says all ${previous.rowsDone} rows are done; nothing to send`);
    return 'complete';
  }
  reporter.notice(`--resume: continuing after row ${previous.rowsDone}`);
  return previous;
}

function loadDiff(path: string, target: string, reporter: ProgressReporter): DiffStore {
  const { store, note } = DiffStore.load(path, target);
  if (note) reporter.notice(`--diff: ${note}`);
  reporter.notice(`--diff: ${store.size} people/events remembered; unchanged rows are skipped`);
  return store;
}

function fatalReason(error: unknown): string {
  if (error instanceof AuthenticationError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
