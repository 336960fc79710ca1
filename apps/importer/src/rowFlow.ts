import { createPullSource, DEFAULT_BATCH, deliver, type DeliverOptions, type Envelope } from '@cioscale/core';
import { connect, EMPTY, filter, map, merge, Observable } from 'rxjs';
import type { CsvRow, CsvSource } from './csvSource.js';
import type { RowLedger } from './rowLedger.js';
import type { RowPlanner } from './rowPlanner.js';
import { isRowResult, resultOf, type RowRef, type RowResult } from './rowResult.js';

/** The fewest rows the read-ahead window holds. */
export const MIN_WINDOW_ROWS = 1000;

/** How rows travel from the file to the ledger. */
export interface RowFlowOptions {
  readonly csv: CsvSource;
  readonly planner: RowPlanner;
  readonly ledger: RowLedger;
  /** The delivery pipeline's options, or `undefined` for a dry run (nothing reaches the network). */
  readonly delivery: Omit<DeliverOptions, 'batch'> | undefined;
  /** `--batch-size`: most operations per request; requests are filled to 480,000 bytes either way. */
  readonly maxOperations: number | undefined;
  /** Most bytes of operations per request: the sink's `batchMaxBytes` (Pipelines maps to larger entries). @defaultValue core's `DEFAULT_BATCH.maxBytes` */
  readonly maxBytes?: number;
  /** Requests in flight: the read-ahead window holds enough rows for them plus two being filled. */
  readonly concurrency: number;
}

/** A flow's results, and how to give back window room. */
export interface RowFlow {
  /** Every row's result, exactly once, in the order decided (not row order). */
  readonly results: Observable<RowResult>;
  /** A settled row's room in the read-ahead window. */
  readonly release: (ref: RowRef) => void;
}

/**
 * The import's one-way flow: rows pulled from the file → planned (an envelope, or a result decided
 * locally) → envelopes through core `deliver()` → every result to one subscriber, the ledger.
 *
 * The read-ahead window is counted in estimated request bytes, not rows: a row weighs the bytes of its
 * cells plus the column names, and at least its share of a request capped by `--batch-size` (but at
 * least {@link MIN_WINDOW_ROWS} rows always fit, so small capped requests still keep every slot busy). So
 * byte-filled requests of small rows get enough rows in flight to fill them, while memory stays bounded by
 * `(concurrency + 2) × 480 KB` of row text, whatever the row size or file size.
 */
export function createRowFlow(options: RowFlowOptions): RowFlow {
  const { csv, planner, ledger, delivery } = options;
  const window = (options.concurrency + 2) * DEFAULT_BATCH.maxBytes;
  // a capped request holds fewer rows than its bytes allow, so a row weighs at least its share of one; but
  // never more than a thousandth of the window: at least 1,000 rows are read ahead, as always
  const floor = options.maxOperations !== undefined ? Math.min(Math.ceil(DEFAULT_BATCH.maxBytes / options.maxOperations), Math.ceil(window / MIN_WINDOW_ROWS)) : 1;
  // a JSON operation spells out every column name, plus quotes, a colon, a comma and the envelope fields
  const overhead = csv.header.reduce((sum, name) => sum + name.length + 6, 64);
  const weigh = (row: CsvRow): number => {
    let bytes = overhead;
    for (const cell of row.cells) bytes += cell.length;
    return Math.max(floor, bytes);
  };
  const pull = createPullSource(csv.chunks, {
    highWaterMark: window,
    size: (chunk) => chunk.reduce((sum, row) => sum + weigh(row), 0),
  });

  const planned = new Observable<Envelope<RowRef> | RowResult>((subscriber) =>
    pull.values.subscribe({
      next: (chunk: CsvRow[]) => {
        for (let i = 0; i < chunk.length; i++) {
          const row = chunk[i] as CsvRow;
          if (csv.stopped) {
            // rows of the chunk never planned are never settled: give their room in the window back
            for (let j = i; j < chunk.length; j++) pull.release(weigh(chunk[j] as CsvRow));
            return;
          }
          ledger.rowRead();
          subscriber.next(planner.plan(row));
        }
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
  const results = planned.pipe(
    connect((shared) =>
      merge(
        shared.pipe(filter(isRowResult)),
        delivery
          ? deliver(
              shared.pipe(filter((value): value is Envelope<RowRef> => !isRowResult(value))),
              // MAX_SAFE_INTEGER: no count cap, only Customer.io's byte limit closes a request
              { ...delivery, batch: { maxOperations: options.maxOperations ?? Number.MAX_SAFE_INTEGER, maxWaitMs: 100, ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }) } },
            ).pipe(map(resultOf))
          : EMPTY,
      ),
    ),
  );
  return { results, release: (ref) => pull.release(weigh(ref)) };
}
