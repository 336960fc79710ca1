import type { CsvRow } from './csvSource.js';
import { PostgresSourceError } from './errors.js';
import type { PostgresRead, PostgresSource } from './pgSource.js';
import type { PgWorkerCommand, PgWorkerData, PgWorkerMessage } from './pgWorker.js';
import { startSourceWorker } from './sourceThread.js';

/** Chunks (one fetch each, ~200 KB of row text) read ahead of the main thread: enough to keep it fed. */
export const PG_CHUNK_CREDITS = 4;
/**
 * Credits go back this many at a time: every credit posted wakes a waiting thread, which on a loaded machine
 * shows as ~5 % of the main thread's samples at one a chunk (docs/benchmarks.md).
 */
const CREDITS_AT_ONCE = 2;

/** How long `end()` waits for the thread to close its connection before it stops the thread. */
const END_GRACE_MS = 2000;

type RowsMessage = Extract<PgWorkerMessage, { type: 'rows' }>;
/** A chunk as it arrived, its text as a Buffer (Buffer's slicing methods, no copy). */
type Chunk = Omit<RowsMessage, 'text'> & { readonly text: Buffer };

/**
 * `openPostgres` in a worker thread: the same header, counts, rows, positions and errors, but the
 * connection, pg's protocol parsing and the type mapping (`pgTypes.ts`) run on another core, and the main
 * thread only cuts the cells out of the text the thread moves over. A row's position is cut out only when a
 * checkpoint asks for it (`positionAt`), from the chunks kept until then — the read-ahead window's.
 *
 * @throws {@link PostgresSourceError} (`CIO_IMPORT_POSTGRES`) as `openPostgres` does, with its messages
 * (the URL's password already masked by the thread)
 */
export async function openPostgresInThread(read: PostgresRead): Promise<PostgresSource> {
  const worker = startSourceWorker('pgWorker', { read, credits: PG_CHUNK_CREDITS } satisfies PgWorkerData);
  const inbox: PgWorkerMessage[] = [];
  let waiting: (() => void) | undefined;
  let exited = false;
  const deliver = (message: PgWorkerMessage): void => {
    inbox.push(message);
    waiting?.();
  };
  worker.on('message', deliver);
  worker.on('error', (error: Error) => deliver({ type: 'error', code: undefined, message: `the PostgreSQL reading thread failed: ${error.message}` }));
  const gone = new Promise<void>((resolve) =>
    worker.on('exit', () => {
      exited = true;
      deliver({ type: 'error', code: undefined, message: 'the PostgreSQL reading thread ended early' });
      resolve();
    }),
  );
  const next = async (): Promise<Exclude<PgWorkerMessage, { type: 'error' }>> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
    waiting = undefined;
    const message = inbox.shift()!;
    if (message.type === 'error') throw new PostgresSourceError(message.message);
    return message;
  };

  let ended: Promise<void> | undefined;
  // the thread closes its connection itself (the server then ends the portal at once); a thread that does
  // not answer in time is stopped
  const end = (): Promise<void> =>
    (ended ??= (async () => {
      if (exited) return;
      send('end');
      const timer = setTimeout(() => void worker.terminate(), END_GRACE_MS);
      await gone;
      clearTimeout(timer);
    })());
  const send = (command: PgWorkerCommand): void => {
    if (!exited) worker.postMessage(command);
  };

  let opened: PgWorkerMessage;
  try {
    opened = await next();
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  if (opened.type !== 'open') {
    await worker.terminate();
    throw new PostgresSourceError(`the PostgreSQL reading thread sent ${opened.type} before the columns`);
  }
  const { header, positionWidth } = opened;
  const stride = header.length + positionWidth;
  // chunks whose rows' positions a checkpoint may still ask for, oldest first
  const kept: Chunk[] = [];
  let last: readonly string[] | undefined = read.after;
  let lastRow = read.start ?? 0;
  let row = lastRow;
  let stopped = false;
  // chunks taken whose credit is not given back yet
  let owed = 0;

  const cut = (message: Chunk, cell: number): string => textOf(message, cell === 0 ? 0 : message.ends[cell - 1]!, message.ends[cell]!);

  async function* chunks(): AsyncGenerator<CsvRow[]> {
    try {
      while (!stopped) {
        const message = await next();
        if (message.type === 'end') return;
        if (message.type !== 'rows') continue;
        if (++owed === CREDITS_AT_ONCE) {
          send(owed);
          owed = 0;
        }
        const received: Chunk = { ...message, text: Buffer.from(message.text.buffer, message.text.byteOffset, message.text.byteLength) };
        kept.push(received);
        const chunk: CsvRow[] = new Array<CsvRow>(message.count);
        const { ends } = message;
        let cell = 0;
        let start = 0;
        for (let i = 0; i < message.count; i++) {
          const cells = new Array<string>(header.length);
          for (let j = 0; j < cells.length; j++) {
            const end = ends[cell++]!;
            cells[j] = start === end ? '' : textOf(received, start, end);
            start = end;
          }
          // the position's texts stay in the chunk until asked for
          cell += positionWidth;
          start = cell === 0 ? 0 : ends[cell - 1]!;
          chunk[i] = { row: message.first + i, cells };
        }
        row = message.first + message.count - 1;
        yield chunk;
      }
    } finally {
      await end();
    }
  }

  return {
    header,
    chunks: chunks(),
    get bytesRead() {
      return row - (read.start ?? 0);
    },
    get stopped() {
      return stopped;
    },
    stop: () => void (stopped = true),
    nullCursorRows: opened.nullCursorRows,
    expectedRows: opened.expectedRows,
    positionAt: (done: number) => {
      const upTo = Math.min(done, row);
      if (upTo > lastRow) {
        while (kept.length > 0 && kept[0]!.first + kept[0]!.count - 1 < upTo) kept.shift();
        const message = kept[0];
        if (message !== undefined && message.first <= upTo) {
          const at = (upTo - message.first) * stride + header.length;
          last = Array.from({ length: positionWidth }, (_, index) => cut(message, at + index));
          lastRow = upTo;
        }
      }
      return lastRow === done ? last : undefined;
    },
    end,
    close: () => void end(),
  };
}

/** The text between two offsets of a chunk: Latin-1 (a plain copy) when the thread found it all ASCII. */
function textOf(chunk: Chunk, start: number, end: number): string {
  return chunk.ascii ? chunk.text.toString('latin1', start, end) : chunk.text.toString('utf8', start, end);
}

