/**
 * The body of the CSV parsing thread (see `csvThread.ts`): `openCsv` runs here, and every chunk of rows is
 * posted to the main thread as the UTF-8 of its cells back to back, where each cell ends and how many cells
 * each row has, in buffers that are moved, not copied. Row numbers are consecutive. (Structured-cloning the
 * cells as arrays of strings costs the same CPU but lands every string in the main thread's old generation,
 * where it waits for a full collection: ~80 MB more peak RSS at 1M rows.)
 *
 * Flow control: the thread posts a chunk only while it holds a credit; the main thread gives one back for
 * every chunk it takes, so at most {@link CHUNK_CREDITS} chunks wait in the channel, whatever the file size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeOf } from '@cioscale/core';
import { openCsv, type CsvRow, type CsvSourceOptions } from './csvSource.js';

/** What the main thread gives the parsing thread. */
export interface CsvWorkerData {
  readonly path: string;
  readonly options: Pick<CsvSourceOptions, 'format' | 'limit'>;
  readonly credits: number;
}

/** What the parsing thread posts, in order: a header, chunks of rows, then an end or an error. */
export type CsvWorkerMessage =
  | { readonly type: 'header'; readonly header: readonly string[] }
  | { readonly type: 'rows'; readonly first: number; readonly text: Uint8Array; readonly ends: Uint32Array; readonly widths: Uint32Array; readonly bytesRead: number }
  | { readonly type: 'end'; readonly bytesRead: number }
  | { readonly type: 'error'; readonly code: string | undefined; readonly message: string };

/** A chunk's cells as UTF-8 back to back, each cell's end offset, and each row's cell count. */
function pack(chunk: readonly CsvRow[]): { text: Uint8Array; ends: Uint32Array; widths: Uint32Array } {
  let cells = 0;
  let room = 0;
  for (const row of chunk) {
    cells += row.cells.length;
    for (const cell of row.cells) room += cell.length * 3;
  }
  const text = Buffer.allocUnsafeSlow(room);
  const ends = new Uint32Array(cells);
  const widths = new Uint32Array(chunk.length);
  let offset = 0;
  let cell = 0;
  for (let i = 0; i < chunk.length; i++) {
    const row = chunk[i]!.cells;
    widths[i] = row.length;
    for (const value of row) {
      offset += text.write(value, offset, 'utf8');
      ends[cell++] = offset;
    }
  }
  return { text, ends, widths };
}

const port = parentPort;
if (!port) throw new Error('csvWorker.ts runs as a worker thread (see csvThread.ts)');
const { path, options, credits: initial } = workerData as CsvWorkerData;
let credits = initial;
let wake: (() => void) | undefined;
port.on('message', (granted: number) => {
  credits += granted;
  wake?.();
});
const post = (message: CsvWorkerMessage): void => port.postMessage(message);

try {
  const csv = await openCsv(path, options);
  post({ type: 'header', header: csv.header });
  for await (const chunk of csv.chunks) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits -= 1;
    const { text, ends, widths } = pack(chunk);
    port.postMessage({ type: 'rows', first: chunk[0]!.row, text, ends, widths, bytesRead: csv.bytesRead } satisfies CsvWorkerMessage, [text.buffer, ends.buffer, widths.buffer] as ArrayBuffer[]);
  }
  post({ type: 'end', bytesRead: csv.bytesRead });
} catch (error) {
  // the main thread rebuilds the error from its code: classes do not cross threads
  post({ type: 'error', code: codeOf(error), message: error instanceof Error ? error.message : String(error) });
}
port.close();
