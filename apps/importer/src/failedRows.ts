import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from './cellChecks.js';
import { FailedRowsFile, type FailedRowEncoder } from './failedRowsFile.js';
import { ERROR_COLUMN } from './rowMapper.js';

/**
 * Rows of the failed-rows CSV: the original header plus `cioscale_error`, one line per rejected or failed
 * row. A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a `'` in front, so a
 * spreadsheet opening the file shows it instead of running it; importing the file again removes that `'`.
 */
export function csvFailedRows(header: readonly string[]): FailedRowEncoder {
  const width = header.length;
  return {
    preamble: stringify([[...header, ERROR_COLUMN].map(neutraliseCell)]),
    encode: (_row, cells, reason) => {
      // a short row is padded so the reason stays in the cioscale_error column
      const padded = cells.length < width ? [...cells, ...new Array<string>(width - cells.length).fill('')] : cells;
      return stringify([[...padded, reason].map(neutraliseCell)]);
    },
  };
}

/** The failed-rows CSV of a CSV input, in row order (see {@link FailedRowsFile} for resume). */
export class FailedRowsWriter extends FailedRowsFile {
  /**
   * @param path - the CSV to write
   * @param header - the input's header
   * @param resumeAtBytes - a checkpoint's `failedBytes`: keep that much of an existing file, else start a new one
   */
  constructor(path: string, header: readonly string[], resumeAtBytes?: number) {
    super(path, csvFailedRows(header), resumeAtBytes);
  }
}
