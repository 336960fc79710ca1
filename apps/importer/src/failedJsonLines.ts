import { closeSync, ftruncateSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FailedRowsWriter } from './failedRows.js';
import { isRawLine } from './jsonlSource.js';
import { ERROR_COLUMN } from './rowMapper.js';

/** What the row ledger and the run need of a failed-rows file, whatever its format. */
export interface FailedRowsSink {
  readonly path: string;
  /** Bytes written so far (the checkpoint's `failedBytes`). */
  readonly bytes: number;
  /** Rows written by this run. */
  readonly count: number;
  /** Row `row` failed; its line is written when the watermark passes it. */
  add(row: number, cells: readonly string[], reason: string): void;
  /** The watermark passed `row`: write its line if it failed. */
  pass(row: number): void;
  close(): void;
}

/** The failed-rows file of an input: CSV for CSV, JSON Lines for the typed sources (JSON Lines, PostgreSQL). */
export function openFailedRows(format: 'csv' | 'jsonl', path: string, header: readonly string[], options: { resumeAtBytes?: number | undefined; lineNumbers: boolean }): FailedRowsSink {
  return format === 'csv' ? new FailedRowsWriter(path, header, options.resumeAtBytes) : new FailedJsonLinesWriter(path, header, options);
}

/** The key a line that was not a JSON object is written back under, as it was. */
export const RAW_LINE_KEY = 'cioscale_line';

/**
 * The failed-rows file of a typed source, as JSON Lines: each rejected or failed row's object as it was
 * read, plus `cioscale_error` with the reason (prefixed `line N:` for a JSON Lines input). Values are
 * written from their JSON cells unchanged, so an int8 keeps its digits; a line that was not an object is
 * kept as text under `cioscale_line`. Importing the file again ignores `cioscale_error`.
 *
 * Like the CSV writer, lines wait for the watermark and are written synchronously, so at every checkpoint
 * the file holds exactly the failed rows below it and a resume truncates it back to the recorded size.
 */
export class FailedJsonLinesWriter implements FailedRowsSink {
  private readonly fd: number;
  private readonly waiting = new Map<number, string>();
  private readonly keys: readonly string[];
  private readonly lineNumbers: boolean;
  private size = 0;
  private lines = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
    options: { resumeAtBytes?: number | undefined; lineNumbers: boolean },
  ) {
    // a failed-rows file imported again: its old reason is replaced, not repeated
    this.keys = header.map((key) => (key === ERROR_COLUMN ? '' : JSON.stringify(key)));
    this.lineNumbers = options.lineNumbers;
    mkdirSync(dirname(path), { recursive: true });
    const resumeAt = options.resumeAtBytes;
    this.fd = openSync(path, resumeAt === undefined ? 'w' : 'r+');
    const keep = resumeAt !== undefined && fstatSync(this.fd).size >= resumeAt ? resumeAt : 0;
    ftruncateSync(this.fd, keep);
    this.size = keep;
  }

  get bytes(): number {
    return this.size;
  }

  get count(): number {
    return this.lines;
  }

  add(row: number, cells: readonly string[], reason: string): void {
    const why = JSON.stringify(this.lineNumbers ? `line ${row}: ${reason}` : reason);
    if (isRawLine(cells)) {
      this.waiting.set(row, `{${JSON.stringify(RAW_LINE_KEY)}:${JSON.stringify(cells[0] ?? '')},"${ERROR_COLUMN}":${why}}\n`);
      return;
    }
    const fields: string[] = [];
    cells.forEach((cell, index) => {
      const key = this.keys[index];
      if (cell !== '' && key) fields.push(`${key}:${cell}`);
    });
    fields.push(`"${ERROR_COLUMN}":${why}`);
    this.waiting.set(row, `{${fields.join(',')}}\n`);
  }

  pass(row: number): void {
    const line = this.waiting.get(row);
    if (line === undefined) return;
    this.waiting.delete(row);
    this.size += writeSync(this.fd, line, this.size);
    this.lines += 1;
  }

  close(): void {
    closeSync(this.fd);
  }
}
