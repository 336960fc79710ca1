import { isEventOperation, type Operation } from '@cioscale/core';
import type { DiffStore } from './diffStore.js';
import { eventAge, type EventAge } from './eventAge.js';
import type { FailedRowsSink } from './failedRowsFile.js';
import { reasonOf, type RowRef, type RowResult } from './rowResult.js';
import { Watermark } from './watermark.js';

/** Rows by their fate. `rows` always equals the sum of the others. */
export interface RunCounts {
  /** Rows read by this run (rows a resume skipped are not counted). */
  readonly rows: number;
  readonly delivered: number;
  readonly rejected: number;
  /** Rows whose request still failed after every attempt (the run stops; `--resume` sends them). */
  readonly failed: number;
  /** Rows `--diff` skipped as unchanged since the last `--diff` run. */
  readonly skipped: number;
  /** Rows a `--dry-run` found valid. */
  readonly valid: number;
  /** Rows read but without an outcome when the run stopped (interrupted): `--resume` sends them. */
  readonly pending: number;
}

/** What the operations sent (or, in a dry run, that would be sent) do in Customer.io. */
export interface Impact {
  readonly identifies: number;
  readonly events: number;
  /** Identifies with `_update: true`: they update people who exist and never create one. */
  readonly updateOnly: number;
  readonly eventsByAge: Readonly<Record<EventAge, number>>;
  /** Events that can trigger campaigns: within 72 hours, in the future, or without a timestamp. */
  readonly recentEvents: number;
}

/** The counts of a run that stopped before reading a row. */
export const NO_ROWS: RunCounts = { rows: 0, delivered: 0, rejected: 0, failed: 0, skipped: 0, valid: 0, pending: 0 };

/** The impact of a run that sent nothing. */
export const NO_IMPACT: Impact = { identifies: 0, events: 0, updateOnly: 0, eventsByAge: { none: 0, future: 0, within72h: 0, within30d: 0, older: 0 }, recentEvents: 0 };

/** Where the ledger writes and whom it tells. */
export interface RowLedgerOptions {
  /** Rows already done (a resumed checkpoint). */
  readonly start: number;
  readonly failedRows: Pick<FailedRowsSink, 'add' | 'pass'>;
  readonly diff: DiffStore | undefined;
  /** A settled row leaves the read-ahead window. */
  readonly release: (ref: RowRef) => void;
  /** The first row whose delivery was given up: the import stops. */
  readonly onFailure: (row: number, error: Error) => void;
  /** The clock, unix ms, for event ages. @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * The one place a row is settled: it is counted (by fate, by rejection reason, by what it does), its
 * failed-rows line written, its `--diff` fingerprint recorded, the checkpoint's watermark moved and its room
 * in the read-ahead window given back. The summary and the progress view are read from here only.
 */
export class RowLedger {
  private read = 0;
  private readonly settled = { delivered: 0, rejected: 0, failed: 0, skipped: 0, valid: 0 };
  private readonly reasons = new Map<string, number>();
  private readonly ages: Record<EventAge, number> = { none: 0, future: 0, within72h: 0, within30d: 0, older: 0 };
  private identifies = 0;
  private events = 0;
  private updateOnly = 0;
  private failure: { row: number; error: Error } | undefined;
  private readonly watermark: Watermark;
  private readonly now: () => number;

  constructor(private readonly options: RowLedgerOptions) {
    this.watermark = new Watermark(options.start, (row) => options.failedRows.pass(row));
    this.now = options.now ?? Date.now;
  }

  /** A row was taken from the file. */
  rowRead(): void {
    this.read += 1;
  }

  settle(result: RowResult): void {
    const { ref } = result;
    this.settled[result.status] += 1;
    if (result.status === 'failed') {
      // not passed to the watermark: the checkpoint stays before it so that `--resume` sends it again
      if (this.failure === undefined) {
        this.failure = { row: ref.row, error: result.error };
        this.options.onFailure(ref.row, result.error);
      }
    } else {
      if (result.status === 'rejected') {
        this.reasons.set(result.rejection.reason, (this.reasons.get(result.rejection.reason) ?? 0) + 1);
        this.options.failedRows.add(ref.row, ref.cells, reasonOf(result.rejection));
      } else if (result.status === 'delivered' && ref.diff) this.options.diff?.record(ref.diff);
      if (result.status === 'delivered' || result.status === 'valid') this.count(result.operation);
      this.watermark.complete(ref.row);
    }
    this.options.release(ref);
  }

  /** Every row up to this one has an outcome: what the checkpoint saves. */
  get rowsDone(): number {
    return this.watermark.rows;
  }

  /** The first row whose delivery was given up, if any. */
  get firstFailure(): { readonly row: number; readonly error: Error } | undefined {
    return this.failure;
  }

  counts(): RunCounts {
    const { delivered, rejected, failed, skipped, valid } = this.settled;
    return { rows: this.read, delivered, rejected, failed, skipped, valid, pending: this.read - delivered - rejected - failed - skipped - valid };
  }

  /** Rejected rows by reason (`missing_identifier`, `invalid_email`, a Customer.io reason, …). */
  rejectedByReason(): Record<string, number> {
    return Object.fromEntries([...this.reasons].sort((a, b) => b[1] - a[1]));
  }

  impact(): Impact {
    const ages = { ...this.ages };
    return { identifies: this.identifies, events: this.events, updateOnly: this.updateOnly, eventsByAge: ages, recentEvents: ages.none + ages.future + ages.within72h };
  }

  private count(operation: Operation): void {
    if (isEventOperation(operation)) {
      this.events += 1;
      const age = eventAge(operation, this.now() / 1000);
      if (age !== undefined) this.ages[age] += 1;
    } else if (operation.action === 'identify') {
      this.identifies += 1;
      if (operation.attributes?.['_update'] === true) this.updateOnly += 1;
    }
  }
}
