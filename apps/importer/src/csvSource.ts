import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { ImportError } from './errors.js';

/** One data row: its 1-based number among the data rows (the header is not counted) and its cells. */
export interface CsvRow {
  readonly row: number;
  readonly cells: string[];
}

/** An opened CSV file: the header, then the data rows on demand. */
export interface CsvSource {
  readonly header: readonly string[];
  /** Data rows after `skip`, at most `limit` of them, until `stop()`. Iterate once. */
  readonly rows: AsyncIterable<CsvRow>;
  /** Bytes of the file parsed so far, for progress and ETA. */
  readonly bytesRead: number;
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

/**
 * Streams a CSV file with csv-parse: UTF-8 with or without BOM, CRLF or LF, quoted fields with commas
 * and newlines, a header row. Rows are parsed as the consumer asks for them, so a file of any size
 * costs the same memory. A row with the wrong number of cells is still emitted: the mapper rejects
 * it into the failed-rows file instead of stopping the import.
 *
 * @throws {@link ImportError} `CIO_IMPORT_FILE` when the file cannot be read or has no header
 */
export async function openCsv(path: string, options: CsvSourceOptions = {}): Promise<CsvSource> {
  const skip = options.skip ?? 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  let first: IteratorResult<string[]>;
  try {
    first = await records.next();
  } catch (error) {
    throw fileError(path, error);
  }
  if (first.done) throw new ImportError('CIO_IMPORT_FILE', `${path} is empty: expected a header row`);
  const header = first.value.map((name) => name.trim());
  let stopped = false;

  async function* rows(): AsyncGenerator<CsvRow> {
    let row = 0;
    try {
      while (!stopped && row < limit) {
        let next: IteratorResult<string[]>;
        try {
          next = await records.next();
        } catch (error) {
          throw fileError(path, error);
        }
        if (next.done) return;
        row += 1;
        if (row > skip) yield { row, cells: next.value };
      }
    } finally {
      parser.destroy();
    }
  }

  return {
    header,
    rows: rows(),
    get bytesRead() {
      return parser.info.bytes;
    },
    stop: () => void (stopped = true),
  };
}

function fileError(path: string, error: unknown): ImportError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code?.startsWith('E') && !code.startsWith('CSV') ? code : (error as Error).message;
  return new ImportError('CIO_IMPORT_FILE', `cannot read ${path}: ${detail}`, { cause: error });
}
