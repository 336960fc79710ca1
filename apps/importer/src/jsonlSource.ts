import { createReadStream } from 'node:fs';
import type { CsvRow, CsvSource } from './csvSource.js';
import { ImportFileError, InputEncodingError } from './errors.js';
import { fileProblem } from './fileProblem.js';
import { jsonCell, LONG_NUMBER, roundedNumber } from './jsonCells.js';
import type { RowProblem } from './rowMapper.js';

/** A row the source itself refuses (a line that is not a JSON object): the planner rejects it with this problem. */
export interface ProblemRow extends CsvRow {
  readonly problem: RowProblem;
}

/** The cells of rows that hold a whole line as it was (not an object): the failed-rows file writes it back as it was. */
const RAW_LINES = new WeakSet<readonly string[]>();

/** True for the cells of a line the source could not read as an object: one cell, the line's text. */
export function isRawLine(cells: readonly string[]): boolean {
  return RAW_LINES.has(cells);
}

/** Where to start and end reading (as for CSV). */
export interface JsonLinesOptions {
  /** Lines already done (from a checkpoint): read and dropped. @defaultValue 0 */
  readonly skip?: number;
  /** Read at most this many lines (counted from line 1). @defaultValue no limit */
  readonly limit?: number;
}

/** Most rows in one chunk, as for CSV. */
const MAX_CHUNK_ROWS = 1024;

/**
 * Streams a JSON Lines file (`.jsonl`, `.ndjson`): one JSON object per line, UTF-8.
 *
 * The columns are the top-level keys of all objects, in the order first seen: a first pass over the file
 * collects them (so the same mapping file, `idColumn` and reserved-name checks apply as to a CSV header),
 * the second streams the rows. Each value becomes a JSON cell (`jsonCells.ts`): nested objects and arrays
 * stay JSON values, `null` or a missing key leaves the attribute out.
 *
 * The row number is the line number, so every message and the failed-rows file name the line. A line
 * that is not a JSON object (malformed, an array, empty) becomes a rejected row with its reason; the
 * other lines are delivered.
 *
 * @throws {@link ImportFileError} (`CIO_IMPORT_FILE`) when the file cannot be read or holds no object
 * @throws {@link InputEncodingError} (`CIO_IMPORT_ENCODING`) at a byte that is not UTF-8, naming the line
 */
export async function openJsonLines(path: string, options: JsonLinesOptions = {}): Promise<CsvSource> {
  const skip = options.skip ?? 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const header = await collectKeys(path, limit);
  if (header.length === 0) throw new ImportFileError(`${path} holds no JSON object: expected one object per line`);
  const columns = new Map(header.map((key, index) => [key, index] as const));
  let stopped = false;
  const reading = { bytes: 0 };

  async function* chunks(): AsyncGenerator<CsvRow[]> {
    for await (const batch of lines(path, reading)) {
      const chunk: CsvRow[] = [];
      for (const [number, text] of batch) {
        if (stopped || number > limit) break;
        if (number <= skip) continue;
        chunk.push(rowOf(text, number, header.length, columns));
        if (chunk.length >= MAX_CHUNK_ROWS) yield chunk.splice(0);
      }
      if (chunk.length > 0) yield chunk;
      if (stopped || batch.some(([number]) => number >= limit)) return;
    }
  }

  const rows = chunks();
  return {
    header,
    chunks: rows,
    get bytesRead() {
      return reading.bytes;
    },
    get stopped() {
      return stopped;
    },
    stop: () => void (stopped = true),
    // ends the generator, which lets go of the file (or never opens it, when reading has not started)
    close: () => {
      stopped = true;
      void rows.return(undefined);
    },
  };
}

/** One line as a row of JSON cells, or a {@link ProblemRow} naming the line. */
function rowOf(text: string, line: number, width: number, columns: ReadonlyMap<string, number>): CsvRow | ProblemRow {
  const parsed = parseLine(text);
  if ('problem' in parsed) {
    const cells = [text];
    RAW_LINES.add(cells);
    return { row: line, cells, problem: parsed.problem };
  }
  const cells = new Array<string>(width).fill('');
  for (const [key, value] of Object.entries(parsed.object)) {
    const index = columns.get(key);
    if (index !== undefined) cells[index] = jsonCell(value);
  }
  return { row: line, cells };
}

function parseLine(text: string): { object: Record<string, unknown> } | { problem: RowProblem } {
  if (text.trim() === '') return { problem: { reason: 'malformed_line', message: 'the line is empty: expected a JSON object' } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: { reason: 'malformed_line', message: `not valid JSON (${(error as Error).message})` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { problem: { reason: 'malformed_line', message: `the line is ${what}, not a JSON object` } };
  }
  const rounded = LONG_NUMBER.test(text) ? roundedNumber(value, text) : undefined;
  if (rounded !== undefined) {
    return {
      problem: {
        reason: 'invalid_value',
        message: `a number has more digits than a JSON number keeps exactly (a double rounds it to ${rounded}); quote it in the file to send the exact digits as a string`,
      },
    };
  }
  return { object: value as Record<string, unknown> };
}

/** The top-level keys of the objects among the first `limit` lines, in the order first seen. */
async function collectKeys(path: string, limit: number): Promise<string[]> {
  const keys = new Set<string>();
  for await (const batch of lines(path, { bytes: 0 })) {
    for (const [number, text] of batch) {
      if (number > limit) return [...keys];
      try {
        const value = JSON.parse(text) as unknown;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) for (const key of Object.keys(value)) keys.add(key);
      } catch {
        // the second pass rejects the line, naming it
      }
    }
  }
  return [...keys];
}

/**
 * The file's lines with their numbers, one batch per read: strict UTF-8 (a byte-order mark is dropped),
 * LF or CRLF; a last line without a newline counts, the empty text after a final newline does not.
 */
async function* lines(path: string, reading: { bytes: number }): AsyncGenerator<[number, string][]> {
  const file = createReadStream(path);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let rest = '';
  let number = 0;
  const split = (text: string, final: boolean): [number, string][] => {
    const parts = (rest + text).split('\n');
    rest = final ? '' : (parts.pop() ?? '');
    if (final && parts.at(-1) === '') parts.pop();
    return parts.map((part) => [++number, part.endsWith('\r') ? part.slice(0, -1) : part]);
  };
  const decode = (bytes?: Buffer): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch (error) {
      const line = number + (rest.match(/\n/g)?.length ?? 0) + 1;
      throw new InputEncodingError(`${path}: line ${line} holds a byte that is not UTF-8; JSON Lines files are UTF-8`, { cause: error });
    }
  };
  try {
    for await (const bytes of file as AsyncIterable<Buffer>) {
      reading.bytes += bytes.length;
      const batch = split(decode(bytes), false);
      if (batch.length > 0) yield batch;
    }
    const last = split(decode(), true);
    if (last.length > 0) yield last;
  } catch (error) {
    if (error instanceof InputEncodingError) throw error;
    throw new ImportFileError(fileProblem(path, error), { cause: error });
  } finally {
    file.destroy();
  }
}
