import { fileIdentity, readCheckpoint, type Checkpoint, type StatePaths } from './checkpoint.js';
import { openCsv, type CsvSource } from './csvSource.js';
import { openCsvInThread, THREAD_MIN_BYTES } from './csvThread.js';
import { CheckpointError, ImportFileError } from './errors.js';
import { fileProblem } from './fileProblem.js';
import { openJsonLines } from './jsonlSource.js';
import type { ImportOptions } from './importOptions.js';
import { detectInputFormat, show } from './inputFormat.js';
import type { ProgressReporter } from './progress.js';
import { createRowMapper, isRowProblem, type RowMapper } from './rowMapper.js';
import { RunStamper } from './runStamper.js';

/** The input, opened: where to start, how it is read, and the mapper of its rows. */
export interface OpenedInput {
  readonly identity: Checkpoint['file'];
  /** The checkpoint continued, if any. */
  readonly resumed: Checkpoint | undefined;
  readonly csv: CsvSource;
  readonly mapper: RowMapper;
  /** The run's stamp for identifies, its time taken from the checkpoint when one is continued. */
  readonly stamper: RunStamper;
  /** How a CSV is read, for the summary (`tab` for a tab). */
  readonly input?: { readonly encoding: string; readonly delimiter: string };
  /** The failed-rows file's format: JSON Lines for the typed sources. @defaultValue 'csv' */
  readonly failedFormat?: 'csv' | 'jsonl';
  /** Row numbers are line numbers (JSON Lines): the failed-rows file names them. */
  readonly lineNumbers?: boolean;
  /** Source state saved with each checkpoint (a PostgreSQL position) and after it (the `--cursor` file). */
  readonly state?: SourceState;
  /** Ends what the source holds open (a database connection), however the run ends. */
  readonly close?: () => Promise<void>;
}

/** What a source adds to the checkpoint, and what it saves after each one. */
export interface SourceState {
  /** Fields of the checkpoint written at `rowsDone`. */
  checkpoint(rowsDone: number): Pick<Checkpoint, 'position'>;
  /** The checkpoint with those fields was written (not called in a dry run). */
  saved(fields: Pick<Checkpoint, 'position'>): void;
}

/**
 * Checks the file, finds the checkpoint to continue, decides the encoding and delimiter, opens the CSV
 * and plans its columns — everything that can refuse an import before anything is sent.
 * Returns `complete` when a resumed checkpoint says there is nothing left.
 * @throws an `ImportError` (`CIO_IMPORT_…`) naming the file, the line or the column, or a `ConfigurationError`
 * (`CIO_CONFIG`) naming the flag
 */
export async function openInput(options: ImportOptions, paths: StatePaths, reporter: ProgressReporter): Promise<OpenedInput | 'complete'> {
  if (options.source?.kind === 'postgres') {
    // loaded only for a PostgreSQL source: pg and pg-cursor cost a file import ~15 MB of RSS
    const { openPostgresInput } = await import('./pgInput.js');
    return openPostgresInput(options, options.source, paths, reporter);
  }
  const identity = fileIdentityOrThrow(options.file);
  const previous = options.dryRun ? undefined : readCheckpoint(paths.checkpoint);
  const resumed = resumePoint(options, previous, identity, reporter);
  if (resumed === 'complete') return 'complete';
  if (options.source?.kind === 'jsonl') {
    const rows = await openJsonLines(options.file, { skip: resumed?.rowsDone ?? 0, ...(options.limit !== undefined && { limit: options.limit }) });
    const mapper = createRowMapper(rows.header, options.mapping, options.idColumn, { allowReserved: options.allowReserved, cells: 'json' });
    // skipped lines are not observed (see pgInput.ts for why that is safe): the run's time is kept all the same
    const stamper = new RunStamper(resumed?.runSeconds ?? Math.floor(Date.now() / 1000));
    return { identity, resumed, csv: rows, mapper, stamper, failedFormat: 'jsonl', lineNumbers: true };
  }
  const format = detectInputFormat(options.file, { encoding: options.encoding, delimiter: options.delimiter });
  if (format.encodingFrom === 'bom' && format.encoding !== 'utf-8') reporter.notice(`encoding: ${format.encoding} (from the byte-order mark)`);
  if (format.delimiterFrom === 'header' && format.delimiter !== ',') reporter.notice(`delimiter: ${show(format.delimiter)} (detected from the header line; --delimiter to override)`);
  // a checkpoint from before runs were stamped has no time: such a run is stamped from now on
  const stamper = new RunStamper(resumed?.runSeconds ?? Math.floor(Date.now() / 1000));
  let mapper: RowMapper | undefined;
  // the rows a resumed run skips are mapped only to count their people, so later rows get the stamps they got the first time
  const skipped = options.mapping.kind === 'people' ? (cells: readonly string[]) => observe(stamper, mapper, cells) : undefined;
  // --parse-thread: parsing runs in its own thread for files big enough to pay for starting one
  const open = options.parseThread === true && identity.size >= THREAD_MIN_BYTES ? openCsvInThread : openCsv;
  const csv = await open(options.file, { skip: resumed?.rowsDone ?? 0, format, ...(options.limit !== undefined && { limit: options.limit }), ...(skipped && { skipped }) });
  try {
    mapper = createRowMapper(csv.header, options.mapping, options.idColumn, { allowReserved: options.allowReserved });
  } catch (error) {
    csv.close();
    throw error;
  }
  const input = { encoding: format.encoding, delimiter: format.delimiter === '\t' ? 'tab' : format.delimiter };
  return { identity, resumed, csv, mapper, stamper, input };
}

function observe(stamper: RunStamper, mapper: RowMapper | undefined, cells: readonly string[]): void {
  const operation = mapper?.(cells);
  if (operation !== undefined && !isRowProblem(operation)) stamper.observe(operation);
}

function fileIdentityOrThrow(file: string): Checkpoint['file'] {
  let identity: ReturnType<typeof fileIdentity>;
  try {
    identity = fileIdentity(file);
  } catch (error) {
    throw new ImportFileError(fileProblem(file, error), { cause: error });
  }
  const { directory, ...rest } = identity;
  if (directory) throw new ImportFileError(fileProblem(file, Object.assign(new Error('EISDIR'), { code: 'EISDIR' })));
  return rest;
}

/** The checkpoint to continue from, `complete` when there is nothing left, or `undefined` to start over. */
export function resumePoint(options: ImportOptions, previous: Checkpoint | undefined, identity: Checkpoint['file'], reporter: ProgressReporter): Checkpoint | 'complete' | undefined {
  if (!options.resume) {
    if (previous && !previous.complete) reporter.notice(`an unfinished checkpoint exists (${previous.rowsDone} rows done); starting over — use --resume to continue it`);
    return undefined;
  }
  if (!previous) {
    reporter.notice('--resume: no checkpoint found; starting from the first row');
    return undefined;
  }
  if (previous.file.size !== identity.size || previous.file.mtimeMs !== identity.mtimeMs) {
    throw new CheckpointError(`--resume: ${options.file} changed since the checkpoint was written; run without --resume to start over`);
  }
  if (previous.complete) {
    reporter.notice(`--resume: the checkpoint says all ${previous.rowsDone} rows are done; nothing to send`);
    return 'complete';
  }
  reporter.notice(`--resume: continuing after row ${previous.rowsDone}`);
  return previous;
}
