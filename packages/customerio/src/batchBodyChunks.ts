import type { Envelope } from '@cioscale/core';

/** Most bytes of one chunk of a streamed batch body (a part larger than this gets a chunk of its own size). */
export const BODY_CHUNK_BYTES = 64 * 1024;

const HEAD = '{"batch":[';
const TAIL = ']}';
const COMMA = 0x2c;

/**
 * The bytes of `JSON.stringify({ batch: operations })`, made from each envelope's `json` (or its operation
 * serialised here when the envelope has none) and handed to fetch as chunks of at most {@link BODY_CHUNK_BYTES}:
 * an array's elements are serialised one by one and joined with commas, so the two are the same bytes.
 *
 * Why chunks and not the ~480 KB string `batch()` would send: that string (in V8's large-object space, freed only
 * by a full collection) and fetch's encoding of it into a fresh ArrayBuffer of its full size cost the main thread a
 * join and an encode per request, and the heap ~22 MB of dead bodies at the peak (docs/benchmarks.md, session 7).
 * A reusable buffer cannot help: fetch copies whatever bytes it is given (a Buffer body whole; each chunk of an
 * async iterable, in undici's `ReadableStreamFrom`, Node 20 and 24). So no body string is built: each chunk is
 * encoded straight from the envelopes' JSON into a fresh Buffer of at most 64 KB, which is garbage as soon as fetch
 * has copied it. Nothing is shared between chunks, bodies or attempts: a retry, a redirect or an abort cannot
 * change another request's bytes.
 *
 * Iterable any number of times, each time from the start: customerio-node passes the same body again when it
 * follows a 307/308 redirect.
 */
export class BatchBodyChunks implements AsyncIterable<Buffer> {
  /** UTF-8 bytes of the whole body: the request's `Content-Length`. */
  readonly byteLength: number;
  private readonly parts: string[];
  private readonly sizes: number[];

  constructor(envelopes: readonly Envelope[]) {
    const count = envelopes.length;
    this.parts = new Array<string>(count);
    this.sizes = new Array<number>(count);
    // head, tail and a comma between two elements
    let total = HEAD.length + TAIL.length + Math.max(0, count - 1);
    for (let i = 0; i < count; i++) {
      const envelope = envelopes[i] as Envelope;
      const json = envelope.json ?? JSON.stringify(envelope.operation);
      // measured here rather than trusted from `envelope.bytes`: a wrong Content-Length fails the request
      const size = Buffer.byteLength(json, 'utf8');
      this.parts[i] = json;
      this.sizes[i] = size;
      total += size;
    }
    this.byteLength = total;
  }

  /** What fetch reads (an async iterable body); the work itself is synchronous. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    yield* this.chunks();
  }

  /** The body's chunks, in order; their bytes joined are the body. */
  *chunks(): Generator<Buffer> {
    const { parts, sizes } = this;
    const count = parts.length;
    let left = this.byteLength;
    let chunk = Buffer.allocUnsafe(Math.min(BODY_CHUNK_BYTES, left));
    let used = 0;
    // element -1 is the head, element `count` the tail
    for (let i = -1; i <= count; i++) {
      const text = i < 0 ? HEAD : i === count ? TAIL : (parts[i] as string);
      const comma = i > 0 && i < count ? 1 : 0;
      const bytes = comma + (i < 0 ? HEAD.length : i === count ? TAIL.length : (sizes[i] as number));
      if (used + bytes > chunk.length) {
        if (used > 0) yield chunk.subarray(0, used);
        left -= used;
        chunk = Buffer.allocUnsafe(Math.max(bytes, Math.min(BODY_CHUNK_BYTES, left)));
        used = 0;
      }
      if (comma === 1) chunk[used++] = COMMA;
      used += chunk.write(text, used, 'utf8');
    }
    if (left !== used) throw new Error(`batch body: wrote ${this.byteLength - left + used} bytes of ${this.byteLength}`);
    yield chunk.subarray(0, used);
  }
}
