import type { Operation, Outcome, Rejection } from '@cioscale/core';
import type { CsvRow } from './csvSource.js';
import type { DiffEntry } from './diffStore.js';

/** What an envelope carries back to its row: the number, the cells (for the failed-rows file), the diff entry. */
export interface RowRef extends CsvRow {
  /** Set only by `--diff` runs; a plain {@link CsvRow} is a RowRef, so most rows need no object of their own. */
  readonly diff?: DiffEntry;
}

/**
 * The fate of one row, whoever decided it: the planner (a local rejection, unchanged since `--diff`, valid
 * in a dry run) or `deliver()` (delivered, rejected by validation or by Customer.io, failed after retries).
 * `operation` is what was (or would have been) sent, when there is one.
 */
export type RowResult =
  | { readonly status: 'delivered' | 'valid' | 'skipped'; readonly ref: RowRef; readonly operation: Operation }
  | { readonly status: 'rejected'; readonly ref: RowRef; readonly rejection: Rejection; readonly operation?: Operation }
  | { readonly status: 'failed'; readonly ref: RowRef; readonly error: Error; readonly operation: Operation };

/** The row's result for one of `deliver()`'s outcomes. */
export function resultOf(outcome: Outcome<RowRef>): RowResult {
  const { source: ref, operation } = outcome.envelope;
  if (outcome.status === 'delivered') return { status: 'delivered', ref, operation };
  if (outcome.status === 'rejected') return { status: 'rejected', ref, rejection: outcome.rejection, operation };
  return { status: 'failed', ref, error: outcome.error, operation };
}

/** True for a result, as opposed to an envelope travelling the same stream. */
export function isRowResult(value: object): value is RowResult {
  return 'ref' in value;
}

/** `origin: reason (field): message`, one line for the failed-rows file. */
export function reasonOf(rejection: Rejection): string {
  const field = rejection.field ? ` (${rejection.field})` : '';
  return `${rejection.origin}: ${rejection.reason}${field}: ${rejection.message}`.replace(/\s+/g, ' ');
}
