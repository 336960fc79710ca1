import { closeSync, ftruncateSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from './cellChecks.js';
import { ERROR_COLUMN } from './rowMapper.js';

/**
 * The failed-rows CSV: the original header plus `cioscale_error`, one line per rejected or failed row,
 * in row order. A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a `'` in front, so a
 * spreadsheet opening the file shows it instead of running it; importing the file again removes that `'`.
 *
 * Lines are held until the watermark passes their row and then written synchronously, so at every
 * checkpoint the file holds exactly the failed rows below the watermark and its size can be recorded;
 * a resume truncates it back to that size and nothing is lost or written twice.
 */
export class FailedRowsWriter {
  private readonly fd: number;
  private readonly waiting = new Map<number, string>();
  private size: number;
  private lines = 0;
  private readonly width: number;

  /**
   * @param path - the CSV to write
   * @param header - the input's header
   * @param resumeAtBytes - a checkpoint's `failedBytes`: keep that much of an existing file, else start a new one
   */
  constructor(
    readonly path: string,
    header: readonly string[],
    resumeAtBytes?: number,
  ) {
    this.width = header.length;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, resumeAtBytes === undefined ? 'w' : 'r+');
    if (resumeAtBytes === undefined || fstatSync(this.fd).size < resumeAtBytes || resumeAtBytes === 0) {
      ftruncateSync(this.fd, 0);
      this.size = writeSync(this.fd, stringify([[...header, ERROR_COLUMN].map(neutraliseCell)]), 0);
    } else {
      ftruncateSync(this.fd, resumeAtBytes);
      this.size = resumeAtBytes;
    }
  }

  /** Bytes written so far (the checkpoint's `failedBytes`). */
  get bytes(): number {
    return this.size;
  }

  /** Rows written by this run. */
  get count(): number {
    return this.lines;
  }

  /** Row `row` failed; its line is written when the watermark passes it. */
  add(row: number, cells: readonly string[], reason: string): void {
    // a short row is padded so the reason stays in the cioscale_error column
    const padded = cells.length < this.width ? [...cells, ...new Array<string>(this.width - cells.length).fill('')] : cells;
    this.waiting.set(row, stringify([[...padded, reason].map(neutraliseCell)]));
  }

  /** The watermark passed `row`: write its line if it failed. */
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
