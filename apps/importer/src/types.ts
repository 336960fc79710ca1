import type { Mapping } from './mapping.js';
import type { ReservedColumn } from './reservedNames.js';
import type { TargetOptions } from './target.js';

/** Everything an import needs, already validated (see `args.ts`). */
export interface ImportOptions {
  /** The CSV to import. */
  readonly file: string;
  readonly mapping: Mapping;
  /** Identifier column of a people import. @defaultValue 'id' */
  readonly idColumn: string;
  /** `--encoding`: the file's encoding. @defaultValue from a byte-order mark, else strict UTF-8 */
  readonly encoding: string | undefined;
  /** `--delimiter`: `,` `;` tab or `|`. @defaultValue detected from the header line */
  readonly delimiter: string | undefined;
  /** `--allow-reserved`: reserved Customer.io attribute names to send anyway. @defaultValue none */
  readonly allowReserved: readonly string[];
  readonly target: TargetOptions;
  /** Request budget, requests/s. @defaultValue 100 */
  readonly rate: number;
  /** Requests in flight (and keep-alive sockets). @defaultValue 8 */
  readonly concurrency: number;
  /** Most operations per batch request. @defaultValue 1000 */
  readonly batchSize: number;
  /** Attempts per request before its rows count as failed and the import stops. @defaultValue 8 */
  readonly maxAttempts: number;
  /** Per-request timeout, ms. @defaultValue 10_000 */
  readonly timeoutMs: number;
  /** Import at most this many data rows. */
  readonly limit: number | undefined;
  readonly dryRun: boolean;
  readonly resume: boolean;
  readonly diff: boolean;
  /** Folder of the checkpoint and diff store. @defaultValue `.cioscale/` next to the file */
  readonly stateDir: string | undefined;
  /** Failed-rows CSV. @defaultValue `<stateDir>/<file name>.failed.csv` */
  readonly failedPath: string | undefined;
  /** After Ctrl-C, how long in-flight requests may take before the run stops anyway, ms. @defaultValue 15_000 */
  readonly graceMs: number;
}

/** What a run has counted so far: rows by their fate, and the requests sent for them. */
export interface RunCounts {
  /** Rows read by this run (rows a resume skipped are not counted). */
  readonly rows: number;
  readonly delivered: number;
  readonly rejected: number;
  readonly failed: number;
  readonly skipped: number;
  /** Rows a `--dry-run` found valid. */
  readonly valid: number;
  readonly requests: number;
  readonly rateLimited: number;
  readonly retries: number;
}

/** Counters of the run as it goes. */
export interface ProgressSnapshot extends RunCounts {
  readonly elapsedMs: number;
  /** The budget's current rate and ceiling, requests/s. */
  readonly budget: { readonly rate: number; readonly ceiling: number };
  /** Fraction of the file read, 0–1. */
  readonly fractionRead: number;
}

/** How the run ended. */
export type ImportStatus = 'complete' | 'interrupted' | 'fatal';

/** The final report; `--json` prints the first fields as one line. */
export interface ImportSummary extends RunCounts {
  readonly durationMs: number;
  /** URL without credentials, or `embedded-emulator`. */
  readonly target: string;
  readonly status: ImportStatus;
  readonly dryRun: boolean;
  /** Rows a `--resume` started after. */
  readonly resumedFrom: number;
  /** Where rejected and failed rows were written, when there were any. */
  readonly failedFile: string | undefined;
  readonly checkpoint: string | undefined;
  /** Peak resident memory of the process, MB (`process.resourceUsage().maxRSS`). */
  readonly peakRssMb: number;
  /** The one-line reason of a fatal stop. */
  readonly error: string | undefined;
  /** How the file was read (`tab` for a tab), once it was opened. */
  readonly input: { readonly encoding: string; readonly delimiter: string } | undefined;
  /** Columns with a reserved Customer.io name, and what was done with each. */
  readonly reserved: readonly ReservedColumn[];
}

/** Receives progress; the CLI picks an Ink view on a TTY and plain lines otherwise. */
export interface ProgressReporter {
  /** A line to show once (start notices, warnings). */
  notice(message: string): void;
  update(snapshot: ProgressSnapshot): void;
  /** Stops the display; the summary is printed after. */
  stop(): void;
}
