/**
 * The body of the PostgreSQL reading thread (see `pgThread.ts`): `openPostgres` runs here — the connection,
 * pg's protocol parsing and the type mapping into JSON cells — and every chunk of rows is posted to the main
 * thread as the text of its cells back to back (each row: its cells, then the texts of its position), where
 * each cell ends, in buffers that are moved, not copied. Rows are consecutive, `width + positionWidth` cells
 * each, so no per-row count travels.
 *
 * A chunk whose text is all ASCII (the common case: numbers, timestamps as unix seconds, JSON-quoted
 * identifiers) is flagged so the main thread can read it as Latin-1, which V8 copies without decoding.
 *
 * Flow control: the thread posts a chunk only while it holds a credit; the main thread gives one back for
 * every chunk it takes, so at most `PG_CHUNK_CREDITS` chunks wait in the channel, whatever the table size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeOf } from '@cioscale/core';
import { openPostgres, type PostgresRead, type PostgresRowChunk } from './pgSource.js';

/** What the main thread gives the reading thread. */
export interface PgWorkerData {
  readonly read: PostgresRead;
  readonly credits: number;
}

/** What the main thread posts: a credit (a number), or `'end'` to close the connection and stop. */
export type PgWorkerCommand = number | 'end';

/** What the reading thread posts, in order: the opened source, chunks of rows, then an end or an error. */
export type PgWorkerMessage =
  | {
      readonly type: 'open';
      readonly header: readonly string[];
      readonly positionWidth: number;
      readonly nullCursorRows: number;
      readonly expectedRows: { readonly rows: number; readonly counted: boolean };
    }
  | { readonly type: 'rows'; readonly first: number; readonly count: number; readonly text: Uint8Array; readonly ends: Uint32Array; readonly ascii: boolean }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly code: string | undefined; readonly message: string };

/**
 * A chunk's cells and positions as text back to back, and each one's end offset. ASCII text is written in
 * one copy (its character offsets are its byte offsets); other text is written cell by cell as UTF-8.
 */
export function packRows(chunk: PostgresRowChunk): { text: Uint8Array; ends: Uint32Array; ascii: boolean } {
  const { rows, positions } = chunk;
  const width = rows[0]?.cells.length ?? 0;
  const positionWidth = rows.length === 0 ? 0 : positions.length / rows.length;
  const ends = new Uint32Array(rows.length * (width + positionWidth));
  const parts: string[] = new Array<string>(ends.length);
  let offset = 0;
  let cell = 0;
  for (let i = 0; i < rows.length; i++) {
    for (const value of rows[i]!.cells) {
      parts[cell] = value;
      offset += value.length;
      ends[cell++] = offset;
    }
    for (let j = i * positionWidth; j < (i + 1) * positionWidth; j++) {
      const value = positions[j] ?? '';
      parts[cell] = value;
      offset += value.length;
      ends[cell++] = offset;
    }
  }
  const joined = parts.join('');
  const bytes = Buffer.byteLength(joined, 'utf8');
  if (bytes === joined.length) {
    const text = Buffer.allocUnsafeSlow(bytes);
    text.write(joined, 0, bytes, 'latin1');
    return { text, ends, ascii: true };
  }
  const text = Buffer.allocUnsafeSlow(bytes);
  offset = 0;
  for (let i = 0; i < parts.length; i++) {
    offset += text.write(parts[i]!, offset, 'utf8');
    ends[i] = offset;
  }
  return { text, ends, ascii: false };
}

const port = parentPort;
if (!port) throw new Error('pgWorker.ts runs as a worker thread (see pgThread.ts)');
const { read, credits: initial } = workerData as PgWorkerData;
let credits = initial;
let ending = false;
let wake: (() => void) | undefined;
const post = (message: PgWorkerMessage): void => port.postMessage(message);

try {
  const source = await openPostgres(read);
  port.on('message', (command: PgWorkerCommand) => {
    if (command === 'end') {
      ending = true;
      source.stop();
    } else credits += command;
    wake?.();
  });
  post({ type: 'open', header: source.header, positionWidth: read.cursor === undefined ? 1 : 2, nullCursorRows: source.nullCursorRows, expectedRows: source.expectedRows });
  try {
    for await (const chunk of source.rowChunks) {
      while (credits === 0 && !ending) await new Promise<void>((resolve) => (wake = resolve));
      if (ending) break;
      credits -= 1;
      const { text, ends, ascii } = packRows(chunk);
      port.postMessage({ type: 'rows', first: chunk.rows[0]!.row, count: chunk.rows.length, text, ends, ascii } satisfies PgWorkerMessage, [text.buffer, ends.buffer] as ArrayBuffer[]);
    }
  } finally {
    await source.end();
  }
  post({ type: 'end' });
} catch (error) {
  // the main thread rebuilds the error from its code: classes do not cross threads
  post({ type: 'error', code: codeOf(error), message: error instanceof Error ? error.message : String(error) });
}
port.close();
