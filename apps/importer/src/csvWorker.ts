/**
 * The body of the CSV parsing thread (see `csvThread.ts`): `openCsv` runs here, and every chunk of rows is
 * posted to the main thread as `{ first, cells, bytesRead }` — cells only, row numbers are consecutive.
 *
 * Flow control: the thread posts a chunk only while it holds a credit; the main thread gives one back for
 * every chunk it takes, so at most {@link CHUNK_CREDITS} chunks wait in the channel, whatever the file size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeOf } from '@cioscale/core';
import { openCsv, type CsvSourceOptions } from './csvSource.js';

/** What the main thread gives the parsing thread. */
export interface CsvWorkerData {
  readonly path: string;
  readonly options: Pick<CsvSourceOptions, 'format' | 'limit'>;
  readonly credits: number;
}

/** What the parsing thread posts, in order: a header, chunks of rows, then an end or an error. */
export type CsvWorkerMessage =
  | { readonly type: 'header'; readonly header: readonly string[] }
  | { readonly type: 'rows'; readonly first: number; readonly cells: string[][]; readonly bytesRead: number }
  | { readonly type: 'end'; readonly bytesRead: number }
  | { readonly type: 'error'; readonly code: string | undefined; readonly message: string };

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
    post({ type: 'rows', first: chunk[0]!.row, cells: chunk.map((row) => row.cells), bytesRead: csv.bytesRead });
  }
  post({ type: 'end', bytesRead: csv.bytesRead });
} catch (error) {
  // the main thread rebuilds the error from its code: classes do not cross threads
  post({ type: 'error', code: codeOf(error), message: error instanceof Error ? error.message : String(error) });
}
port.close();
