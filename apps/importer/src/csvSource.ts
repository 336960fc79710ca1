import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import iconv from 'iconv-lite';
import { ImportError, ImportFileError } from './errors.js';
import { fileProblem } from './fileProblem.js';
import type { InputFormat } from './inputFormat.js';
import { Utf8Check } from './utf8Check.js';

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
  /** Lets go of the file (and the parsing thread) at once, read or not; for an import that ends before it reads. */
  close(): void;
}

/** Where to start and end reading. */
export interface CsvSourceOptions {
  /** Data rows already done (from a checkpoint): read and dropped, never emitted. @defaultValue 0 */
  readonly skip?: number;
  /** Emit at most this many data rows (counted from row 1, skipped rows included). @defaultValue no limit */
  readonly limit?: number;
  /** Encoding and delimiter (see `detectInputFormat`). @defaultValue strict UTF-8, comma */
  readonly format?: Pick<InputFormat, 'encoding' | 'delimiter'>;
  /** Called with the cells of every row dropped by `skip`, in order (a resumed run counts its people, see `RunStamper`). */
  readonly skipped?: (cells: readonly string[]) => void;
}

/** Most rows in one chunk; the parser holds about one 64 KiB read (~450 rows of a typical users file). */
export const MAX_CHUNK_ROWS = 1024;

const UTF8_COMMA: Pick<InputFormat, 'encoding' | 'delimiter'> = { encoding: 'utf-8', delimiter: ',' };

/**
 * Streams a CSV file with csv-parse: strict UTF-8 (with or without BOM) or any encoding iconv-lite
 * decodes, any delimiter of `,` `;` tab `|`, any mix of LF, CRLF and CR line endings (a CRLF header
 * followed by LF rows must not merge rows, nor leave `\r` in values), quoted fields with delimiters
 * and newlines, a header row. Rows are parsed as the consumer asks for them, so a file of any size
 * costs the same memory. A row with the wrong number of cells is still emitted: the mapper rejects
 * it into the failed-rows file instead of stopping the import.
 *
 * Records are taken with `read()` in a loop on `'readable'` rather than through the stream's async
 * iterator, which costs a promise and several stream calls per row — at a million rows, a second or more.
 *
 * @throws {@link ImportFileError} (`CIO_IMPORT_FILE`) when the file cannot be read, has no header or a quote is
 * never closed (naming the line where that field starts)
 * @throws {@link InputEncodingError} (`CIO_IMPORT_ENCODING`) at the first byte that is not UTF-8 (naming its
 * line and column)
 */
export async function openCsv(path: string, options: CsvSourceOptions = {}): Promise<CsvSource> {
  const skip = options.skip ?? 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const format = options.format ?? UTF8_COMMA;
  const { file, parser } = csvPipeline(path, format, {});
  let failure: unknown;
  parser.on('error', (error) => (failure ??= error));

  /** The next record, or `null` at the end of the file. */
  const next = async (): Promise<string[] | null> => {
    for (;;) {
      // `errored` is set the moment the stream is destroyed with an error; the 'error' event comes a tick later
      const error = failure ?? parser.errored;
      if (error) throw await fileError(path, format, error);
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
          else options.skipped?.(record);
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
        else if (row <= skip) options.skipped?.(waited);
      }
    } finally {
      parser.destroy();
    }
  }

  return {
    header,
    chunks: chunks(),
    get bytesRead() {
      // bytes of the file, not of the decoded text: progress is a share of the file's size
      return file.bytesRead;
    },
    get stopped() {
      return stopped;
    },
    stop: () => void (stopped = true),
    close: () => void parser.destroy(),
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

/** File → decoder → csv-parse, with every stage's error forwarded to the parser (pipe() does not). */
function csvPipeline(path: string, format: Pick<InputFormat, 'encoding' | 'delimiter'>, extra: Options) {
  const file = createReadStream(path);
  const text: NodeJS.ReadWriteStream = format.encoding === 'utf-8' ? new Utf8Check(path) : iconv.decodeStream(format.encoding);
  const parser = parse({
    bom: true,
    delimiter: format.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // relax_quotes: a stray quote inside an unquoted field stays text instead of failing the whole import
    relax_quotes: true,
    skip_empty_lines: true,
    ...extra,
  });
  file.pipe(text).pipe(parser);
  // every error must reach the reader, never crash the process
  file.on('error', (error) => parser.destroy(error));
  text.on('error', (error: Error) => parser.destroy(error));
  return { file, parser };
}

async function fileError(path: string, format: Pick<InputFormat, 'encoding' | 'delimiter'>, error: unknown): Promise<ImportError> {
  if (error instanceof ImportError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    const line = (await lastRecordLine(path, format)) + 1;
    return new ImportFileError(`${path}: the quoted field starting on line ${line} is never closed (a missing " ends the file inside it)`, { cause: error });
  }
  if (code?.startsWith('E') && !code.startsWith('CSV')) return new ImportFileError(fileProblem(path, error), { cause: error });
  return new ImportFileError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
}

/** The line the last complete record ends on; parses the file again, which only an error path does. */
async function lastRecordLine(path: string, format: Pick<InputFormat, 'encoding' | 'delimiter'>): Promise<number> {
  const { parser } = csvPipeline(path, format, { info: true });
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<{ info: { lines: number } }>) line = record.info.lines;
  } catch {
    // the same error again: `line` is where the last good record ended
  }
  return line;
}
