import { basename } from 'node:path';
import { createEnvelope, isEventOperation, validateOperation, type Envelope, type Outcome, type Rejection } from '@cioscale/core';
import type { CsvRow } from './csvSource.js';
import { DiffStore, type DiffEntry } from './diffStore.js';
import { isRowProblem, type RowMapper } from './rowMapper.js';

/** What an envelope carries back to its row: the number, the cells (for the failed-rows file), the diff entry. */
export interface RowRef {
  readonly row: number;
  readonly cells: readonly string[];
  /** Set only by `--diff` runs; a plain {@link CsvRow} is a RowRef, so most rows need no object of their own. */
  readonly diff?: DiffEntry;
}

/** Counters of settled rows. */
export interface RowCounts {
  rows: number;
  delivered: number;
  rejected: number;
  failed: number;
  skipped: number;
  /** Rows a dry run found valid (they would have been sent). */
  valid: number;
}

/** Where settled rows go: counted, failed lines kept, the watermark told, the source released. */
export interface RowSink {
  finishRow(row: number, result: 'delivered' | 'rejected' | 'skipped' | 'valid', failure?: { cells: readonly string[]; reason: string }): void;
  /**
   * Delivery of `row` was given up (retries exhausted: the target is down). The row is not settled —
   * the checkpoint stays before it so `--resume` sends it again — and the import stops.
   */
  fail(row: number, error: Error): void;
}

/**
 * Turns rows into envelopes and outcomes into settled rows.
 *
 * Event ids: the source key is `<file name>#<row>#<hash of the cells>` and the id time is the event's
 * timestamp (0 without one), so the same row of the same file gets the same id on a resume and on any
 * re-run, while an edited row is a new event.
 */
export class RowHandler {
  private readonly fileName: string;

  constructor(
    file: string,
    private readonly mapper: RowMapper,
    private readonly sink: RowSink,
    private readonly options: { readonly dryRun: boolean; readonly diff: DiffStore | undefined },
  ) {
    this.fileName = basename(file);
  }

  /** A row read from the file: an envelope to deliver, or `undefined` when it is settled already. */
  prepare(csvRow: CsvRow): Envelope<RowRef> | undefined {
    const { row, cells } = csvRow;
    const operation = this.mapper(cells);
    if (isRowProblem(operation)) {
      this.sink.finishRow(row, 'rejected', { cells, reason: `local: ${operation.reason}: ${operation.message}` });
      return undefined;
    }
    const event = isEventOperation(operation);
    const sourceKey = event ? `${this.fileName}#${row}#${DiffStore.entryOf('', cells.join('\u0000')).fingerprint}` : `${this.fileName}#${row}`;
    const idTimeMs = event ? (operation.timestamp ?? 0) * 1000 : 0;
    const provisional = createEnvelope<RowRef>(operation, { source: csvRow, sourceKey, producedAt: Date.now(), idTimeMs });
    let diff: DiffEntry | undefined;
    if (this.options.diff) {
      diff = DiffStore.entryOf(event ? provisional.id : provisional.key, JSON.stringify(provisional.operation));
      if (this.options.diff.unchanged(diff)) {
        this.sink.finishRow(row, 'skipped');
        return undefined;
      }
    }
    if (this.options.dryRun) {
      const rejection = validateOperation(provisional.operation, provisional.bytes);
      this.sink.finishRow(row, rejection ? 'rejected' : 'valid', rejection && { cells, reason: reasonOf(rejection) });
      return undefined;
    }
    return diff ? { ...provisional, source: { row, cells, diff } } : provisional;
  }

  /** An outcome of the pipeline for one of this handler's envelopes. */
  outcome(outcome: Outcome<RowRef>): void {
    const { row, cells, diff } = outcome.envelope.source;
    if (outcome.status === 'delivered') {
      if (diff) this.options.diff?.record(diff);
      this.sink.finishRow(row, 'delivered');
    } else if (outcome.status === 'rejected') {
      this.sink.finishRow(row, 'rejected', { cells, reason: reasonOf(outcome.rejection) });
    } else {
      this.sink.fail(row, outcome.error);
    }
  }
}

/** `origin: reason (field): message`, one line for the failed-rows file. */
export function reasonOf(rejection: Rejection): string {
  const field = rejection.field ? ` (${rejection.field})` : '';
  return `${rejection.origin}: ${rejection.reason}${field}: ${rejection.message}`.replace(/\s+/g, ' ');
}
