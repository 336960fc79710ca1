import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportFileError } from './errors.js';

/** One data row: its 1-based number among the data rows (the header is not counted) and its cells. */
export interface CsvRow {
  readonly row: number;
  readonly cells: string[];
}

/** An opened CSV file: the header, then the data rows on demand. */
export interface CsvSource {
  readonly header: readonly string[];
  /**
   * Data rows after `skip`, at most `limit` of them, in chunks of at most {@link MAX_CHUNK_ROWS}: what the
   * parser has ready, handed over with one `await` instead of one per row. Ends at the first read after
   * `stop()`. Iterate once.
   */
  readonly chunks: AsyncIterable<CsvRow[]>;
  /** Bytes of the file parsed so far, for progress and ETA. */
  readonly bytesRead: number;
  /** True once `stop()` was called: a consumer part-way through a chunk drops the rest of it. */
  readonly stopped: boolean;
  /** Ends the rows after the one being read (Ctrl-C): what was read still gets its outcome. */
  stop(): void;
}

/** Where to start and end reading. */
export interface CsvSourceOptions {
  /** Data rows already done (from a checkpoint): read and dropped, never emitted. @defaultValue 0 */
  readonly skip?: number;
  /** Emit at most this many data rows (counted from row 1, skipped rows included). @defaultValue no limit */
  readonly limit?: number;
}

/** Most rows in one chunk; the parser holds about one 64 KiB read (~450 rows of a typical users file). */
export const MAX_CHUNK_ROWS = 1024;

/**
 * Streams a CSV file with csv-parse: UTF-8 with or without BOM, CRLF or LF, quoted fields with commas
 * and newlines, a header row. Rows are parsed as the consumer asks for them, so a file of any size
 * costs the same memory. A row with the wrong number of cells is still emitted: the mapper rejects
 * it into the failed-rows file instead of stopping the import.
 *
 * Records are taken with `read()` in a loop on `'readable'` rather than through the stream's async
 * iterator, which costs a promise and several stream calls per row — at a million rows, a second or more.
 *
 * @throws {@link ImportFileError} (`CIO_IMPORT_FILE`) when the file cannot be read or has no header
 */
export async function openCsv(path: string, options: CsvSourceOptions = {}): Promise<CsvSource> {
  const skip = options.skip ?? 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const file = createReadStream(path);
  // relax_quotes: a stray quote inside an unquoted field stays text instead of failing the whole import
  const parser = file.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }));
  let failure: unknown;
  // pipe() does not forward the file's errors; every error must reach the reader, never crash the process
  file.on('error', (error) => parser.destroy(error));
  parser.on('error', (error) => (failure ??= error));

  /** The next record, or `null` at the end of the file. */
  const next = async (): Promise<string[] | null> => {
    for (;;) {
      // `errored` is set the moment the stream is destroyed with an error; the 'error' event comes a tick later
      const error = failure ?? parser.errored;
      if (error) throw fileError(path, error);
      const record = parser.read() as string[] | null;
      if (record !== null) return record;
      if (parser.readableEnded || parser.destroyed) return null;
      await readableOrEnd(parser);
    }
  };

  let first: string[] | null;
  try {
    first = await next();
  } catch (error) {
    parser.destroy();
    throw error;
  }
  if (first === null) throw new ImportFileError(`${path} is empty: expected a header row`);
  const header = first.map((name) => name.trim());
  let stopped = false;

  async function* chunks(): AsyncGenerator<CsvRow[]> {
    let row = 0;
    try {
      while (!stopped && row < limit) {
        const chunk: CsvRow[] = [];
        let record: string[] | null;
        while (chunk.length < MAX_CHUNK_ROWS && row < limit && (record = parser.read() as string[] | null) !== null) {
          row += 1;
          if (row > skip) chunk.push({ row, cells: record });
        }
        if (chunk.length > 0) {
          yield chunk;
          continue;
        }
        if (row >= limit) return;
        // nothing buffered: wait for the parser (or learn that the file ended or failed)
        const waited = await next();
        if (waited === null) return;
        row += 1;
        if (row > skip && row <= limit) yield [{ row, cells: waited }];
      }
    } finally {
      parser.destroy();
    }
  }

  return {
    header,
    chunks: chunks(),
    get bytesRead() {
      return parser.info.bytes;
    },
    get stopped() {
      return stopped;
    },
    stop: () => void (stopped = true),
  };
}

/** Resolves at the next `'readable'`, `'end'`, `'close'` or `'error'`, whichever comes first. */
function readableOrEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('readable', done);
      stream.off('end', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('readable', done);
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function fileError(path: string, error: unknown): ImportFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code?.startsWith('E') && !code.startsWith('CSV') ? code : (error as Error).message;
  return new ImportFileError(`cannot read ${path}: ${detail}`, { cause: error });
}
