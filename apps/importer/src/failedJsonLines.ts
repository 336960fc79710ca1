import { csvFailedRows } from './failedRows.js';
import { FailedRowsFile, type FailedRowEncoder, type FailedRowsSink } from './failedRowsFile.js';
import { isRawLine } from './jsonlSource.js';
import { ERROR_COLUMN } from './rowMapper.js';

/** The failed-rows file of an input: CSV for CSV, JSON Lines for the typed sources (JSON Lines, PostgreSQL). */
export function openFailedRows(format: 'csv' | 'jsonl', path: string, header: readonly string[], options: { resumeAtBytes?: number | undefined; lineNumbers: boolean }): FailedRowsSink {
  return new FailedRowsFile(path, format === 'csv' ? csvFailedRows(header) : jsonLinesFailedRows(header, options.lineNumbers), options.resumeAtBytes);
}

/** The key a line that was not a JSON object is written back under, as it was. */
export const RAW_LINE_KEY = 'cioscale_line';

/**
 * Rows of a typed source's failed-rows file, as JSON Lines: each rejected or failed row's object as it was
 * read, plus `cioscale_error` with the reason (prefixed `line N:` for a JSON Lines input). Values are
 * written from their JSON cells unchanged, so an int8 keeps its digits; a line that was not an object is
 * kept as text under `cioscale_line`. Importing the file again ignores `cioscale_error`.
 */
export function jsonLinesFailedRows(header: readonly string[], lineNumbers: boolean): FailedRowEncoder {
  // a failed-rows file imported again: its old reason is replaced, not repeated
  const keys = header.map((key) => (key === ERROR_COLUMN ? '' : JSON.stringify(key)));
  return {
    preamble: '',
    encode: (row, cells, reason) => {
      const why = JSON.stringify(lineNumbers ? `line ${row}: ${reason}` : reason);
      if (isRawLine(cells)) return `{${JSON.stringify(RAW_LINE_KEY)}:${JSON.stringify(cells[0] ?? '')},"${ERROR_COLUMN}":${why}}\n`;
      const fields: string[] = [];
      cells.forEach((cell, index) => {
        const key = keys[index];
        if (cell !== '' && key) fields.push(`${key}:${cell}`);
      });
      fields.push(`"${ERROR_COLUMN}":${why}`);
      return `{${fields.join(',')}}\n`;
    },
  };
}

/** The JSON Lines failed-rows file of a typed source, in row order (see {@link FailedRowsFile} for resume). */
export class FailedJsonLinesWriter extends FailedRowsFile {
  constructor(path: string, header: readonly string[], options: { resumeAtBytes?: number | undefined; lineNumbers: boolean }) {
    super(path, jsonLinesFailedRows(header, options.lineNumbers), options.resumeAtBytes);
  }
}
