import type { RunCounts } from './rowLedger.js';

/** Counters of the run as it goes, all read from the row ledger and the pipeline's metrics. */
export interface ProgressSnapshot extends Omit<RunCounts, 'pending'> {
  readonly requests: number;
  readonly rateLimited: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** The budget's current rate and ceiling, requests/s. */
  readonly budget: { readonly rate: number; readonly ceiling: number };
  /** Fraction of the file's bytes read, 0–1 (reading runs ahead of delivery by the read-ahead window). */
  readonly fractionRead: number;
  /** Paused from the monitor (`--redis`): nothing is sent until it resumes the run. */
  readonly paused?: boolean;
}

/** Rows with an outcome (delivered, rejected, failed, skipped or valid), as opposed to rows only read. */
export function settledRows(s: Omit<RunCounts, 'pending'>): number {
  return s.delivered + s.rejected + s.failed + s.skipped + s.valid;
}

/** Receives progress; the CLI picks an Ink view on a TTY and plain lines otherwise. */
export interface ProgressReporter {
  /** A line to show once (start notices, warnings). */
  notice(message: string): void;
  update(snapshot: ProgressSnapshot): void;
  /** Stops the display; the summary is printed after. */
  stop(): void;
}
