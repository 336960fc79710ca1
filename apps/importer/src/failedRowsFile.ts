import { closeSync, ftruncateSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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

/** How a format writes a failed-rows file: what opens a new file, and one failed row as a line. */
export interface FailedRowEncoder {
  /** The start of a new file (a CSV's header line), or `''`. */
  readonly preamble: string;
  /** One failed row as a whole line, newline included. */
  encode(row: number, cells: readonly string[], reason: string): string;
}

/**
 * A failed-rows file in any format (the encoder's). Lines are held until the watermark passes their row
 * and then written synchronously, so at every checkpoint the file holds exactly the failed rows below the
 * watermark and its size can be recorded; a resume truncates it back to that size and nothing is lost or
 * written twice.
 */
export class FailedRowsFile implements FailedRowsSink {
  private readonly fd: number;
  private readonly waiting = new Map<number, string>();
  private size: number;
  private lines = 0;

  /**
   * @param path - the file to write
   * @param encoder - the format
   * @param resumeAtBytes - a checkpoint's `failedBytes`: keep that much of an existing file, else start a new one
   */
  constructor(
    readonly path: string,
    private readonly encoder: FailedRowEncoder,
    resumeAtBytes?: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, resumeAtBytes === undefined ? 'w' : 'r+');
    // a file shorter than the checkpoint says is not the one the checkpoint saw: start again
    if (resumeAtBytes === undefined || resumeAtBytes === 0 || fstatSync(this.fd).size < resumeAtBytes) {
      ftruncateSync(this.fd, 0);
      this.size = encoder.preamble === '' ? 0 : writeSync(this.fd, encoder.preamble, 0);
    } else {
      ftruncateSync(this.fd, resumeAtBytes);
      this.size = resumeAtBytes;
    }
  }

  get bytes(): number {
    return this.size;
  }

  get count(): number {
    return this.lines;
  }

  add(row: number, cells: readonly string[], reason: string): void {
    this.waiting.set(row, this.encoder.encode(row, cells, reason));
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
