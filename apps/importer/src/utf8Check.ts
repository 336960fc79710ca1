import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { InputEncodingError } from './errors.js';

/**
 * Passes UTF-8 bytes through unchanged and fails at the first byte that is not UTF-8, naming its line and
 * column: decoding with U+FFFD replacement characters would import something other than the file says.
 *
 * Most chunks are checked by `buffer.isUtf8` (native, gigabytes a second); only a failing chunk is scanned
 * byte by byte to find the culprit. A character split across two reads is carried over to the next one.
 */
export class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly path: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(bytes);
    const head = bytes.subarray(0, cut);
    this.carry = Buffer.from(bytes.subarray(cut));
    if (!isUtf8(head)) return callback(this.invalidAt(this.offset + firstInvalidUtf8(head), head[firstInvalidUtf8(head)]));
    this.offset += head.length;
    callback(null, head);
  }

  override _flush(callback: TransformCallback): void {
    // the file ends inside a multi-byte character
    if (this.carry.length > 0) return callback(this.invalidAt(this.offset, this.carry[0]));
    callback();
  }

  private invalidAt(offset: number, byte: number | undefined): InputEncodingError {
    const { line, column } = positionOf(this.path, offset);
    const hex = `0x${(byte ?? 0).toString(16).padStart(2, '0')}`;
    return new InputEncodingError(
      `${this.path} is not valid UTF-8: byte ${hex} at line ${line}, column ${column} (byte offset ${offset}); ` +
        'name the file\'s encoding with --encoding (e.g. --encoding windows-1252 or --encoding latin1), or save it as UTF-8',
    );
  }
}

/** Bytes of `bytes` up to the last complete character (a trailing partial one waits for the next read). */
function completeLength(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? end - back : end;
  }
  return end;
}

/** Index of the first byte that does not start a valid UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let j = 1; j <= need; j++) {
      const next = bytes[i + j];
      if (next === undefined || next < low || next > high) return i;
      low = 0x80;
      high = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * The 1-based line and column (in characters) of byte `offset` of a file; LF, CRLF and CR each end a line.
 * Reads the file again up to the offset: this runs once, on the way to an error.
 */
export function positionOf(path: string, offset: number): { line: number; column: number } {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let line = 1;
    let lineStart = 0;
    let position = 0;
    let previous = -1;
    while (position < offset) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, offset - position), position);
      if (read === 0) break;
      for (let i = 0; i < read; i++) {
        const byte = buffer[i] as number;
        if (byte === 0x0a && previous === 0x0d) lineStart = position + i + 1;
        else if (byte === 0x0a || byte === 0x0d) {
          line += 1;
          lineStart = position + i + 1;
        }
        previous = byte;
      }
      position += read;
    }
    const prefix = Buffer.alloc(offset - lineStart);
    readSync(fd, prefix, 0, prefix.length, lineStart);
    return { line, column: [...prefix.toString('utf8')].length + 1 };
  } finally {
    closeSync(fd);
  }
}
