/**
 * Reads a request body with a byte cap, so a giant body cannot exhaust memory.
 */
import type { IncomingMessage } from 'node:http';

/** The outcome of reading a body. */
export type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  /** Larger than the cap. `closeConnection` when it was so large the rest was not even drained. */
  | { readonly kind: 'too_large'; readonly received: number; readonly closeConnection: boolean }
  /** The client went away mid-body. */
  | { readonly kind: 'aborted' };

/**
 * Past the cap the body is drained without being kept, so the client can read the 413 on a
 * connection that stays usable; past this many times the cap, draining stops too and the
 * connection is closed after the answer.
 */
const DRAIN_FACTOR = 4;

const EMPTY = Buffer.alloc(0);

function ignore(): void {}

/**
 * Reads at most `maxBytes` bytes of `request`'s body and calls `done` once. A `Content-Length` far
 * over the cap is refused before reading anything. A callback rather than a promise: this is the
 * hot path of every Track API request, and it saves a promise and a microtask per request.
 */
export function readBody(request: IncomingMessage, maxBytes: number, done: (result: BodyResult) => void): void {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes * DRAIN_FACTOR) return done({ kind: 'too_large', received: declared, closeConnection: true });
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let received = 0;
  let finished = false;
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received <= maxBytes) {
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    } else if (received > maxBytes * DRAIN_FACTOR && !finished) {
      finished = true;
      request.pause();
      done({ kind: 'too_large', received, closeConnection: true });
    }
  });
  request.on('end', () => {
    if (finished) return;
    finished = true;
    if (received > maxBytes) done({ kind: 'too_large', received, closeConnection: false });
    else done({ kind: 'ok', body: more !== undefined ? Buffer.concat(more, received) : (first ?? EMPTY) });
  });
  // A request that fails is destroyed, and a destroyed request emits 'close' after 'error': the
  // abort is handled there, and 'error' only needs a listener so it is not thrown.
  request.on('error', ignore);
  request.on('close', () => {
    if (finished || request.complete) return;
    finished = true;
    done({ kind: 'aborted' });
  });
}
