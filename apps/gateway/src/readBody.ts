import type { IncomingMessage } from 'node:http';

/** The outcome of reading a body. */
export type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  /** Larger than the cap. `closeConnection` when it was so large the rest was not even drained. */
  | { readonly kind: 'too_large'; readonly received: number; readonly closeConnection: boolean }
  /** The client went away mid-body (or was cut by the request timeout). */
  | { readonly kind: 'aborted' };

/**
 * Past the cap the body is drained without being kept, so the client reads the 413 on a connection that
 * stays usable; past this many times the cap draining stops too and the connection is closed.
 */
const DRAIN_FACTOR = 4;

/**
 * Reads at most `maxBytes` of `request`'s body, then calls `done` once. A `Content-Length` far over the
 * cap is refused before reading anything, so a giant body never takes memory.
 */
export function readBody(request: IncomingMessage, maxBytes: number, done: (result: BodyResult) => void): void {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes * DRAIN_FACTOR) return done({ kind: 'too_large', received: declared, closeConnection: true });
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received <= maxBytes) chunks.push(chunk);
    else if (received > maxBytes * DRAIN_FACTOR && !finished) {
      finished = true;
      request.pause();
      done({ kind: 'too_large', received, closeConnection: true });
    }
  });
  request.on('end', () => {
    if (finished) return;
    finished = true;
    if (received > maxBytes) done({ kind: 'too_large', received, closeConnection: false });
    else done({ kind: 'ok', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received) });
  });
  // a failed request is destroyed and emits 'close' after 'error': the abort is handled there
  request.on('error', () => undefined);
  request.on('close', () => {
    if (finished || request.complete) return;
    finished = true;
    done({ kind: 'aborted' });
  });
}
