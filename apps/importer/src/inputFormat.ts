import { closeSync, openSync, readSync } from 'node:fs';
import iconv from 'iconv-lite';
import { ConfigurationError } from '@cioscale/core';
import { InputEncodingError } from './errors.js';

/** The delimiters `--delimiter` accepts and detection chooses from. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How the bytes of a file become CSV text: its encoding and delimiter, and how each was decided. */
export interface InputFormat {
  /** `utf-8` (checked strictly) or an iconv-lite encoding name. */
  readonly encoding: string;
  /** How the encoding was decided: a byte-order mark, `--encoding`, or the UTF-8 default. */
  readonly encodingFrom: 'bom' | 'flag' | 'default';
  readonly delimiter: Delimiter;
  readonly delimiterFrom: 'flag' | 'header' | 'default';
}

/** What the user asked for; both optional. */
export interface InputFormatRequest {
  readonly encoding?: string | undefined;
  readonly delimiter?: string | undefined;
}

/** `tab`, `\t` and the character itself all name a tab. */
export function parseDelimiter(text: string): Delimiter {
  const value = text === 'tab' || text === '\\t' ? '\t' : text;
  if (!(DELIMITERS as readonly string[]).includes(value)) throw new ConfigurationError('--delimiter', 'one of , ; tab |', JSON.stringify(text));
  return value as Delimiter;
}

/** Checks an `--encoding` name against what iconv-lite can decode. */
export function parseEncoding(text: string): string {
  const name = text.trim().toLowerCase();
  if (name === 'utf8' || name === 'utf-8') return 'utf-8';
  if (!iconv.encodingExists(name)) throw new ConfigurationError('--encoding', 'an encoding iconv-lite decodes (utf-8, utf-16le, latin1, windows-1252, iso-8859-15, shift_jis, …)', JSON.stringify(text));
  return name;
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * Decides the encoding and the delimiter from the first 64 KiB of a file.
 *
 * A byte-order mark wins over the default (UTF-8, UTF-16LE, UTF-16BE); a flag wins over both. The
 * delimiter is the candidate (`,` `;` tab `|`) seen most often outside quotes in the header line, comma on
 * a tie; with `--delimiter` given, a header that splits better on another candidate is an error with a hint,
 * because its one long column name would only fail later with a confusing "column id is not in the header".
 *
 * @throws {@link InputEncodingError} (`CIO_IMPORT_ENCODING`) for a header with NUL bytes (UTF-16 without a BOM)
 * @throws {@link ConfigurationError} (`CIO_CONFIG`) when the header does not look separated by the `--delimiter` given
 */
export function detectInputFormat(path: string, request: InputFormatRequest = {}): InputFormat {
  const sample = readSample(path);
  const bom = bomOf(sample);
  const encoding = request.encoding ?? bom ?? 'utf-8';
  const encodingFrom = request.encoding !== undefined ? 'flag' : bom !== undefined ? 'bom' : 'default';
  const text = encoding === 'utf-8' ? sample.toString('utf8').replace(/^\uFEFF/, '') : iconv.decode(sample, encoding);
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  if (headerLine.includes('\u0000')) {
    throw new InputEncodingError(`${path}: the header line holds NUL bytes; a UTF-16 file without a byte-order mark? name it with --encoding utf-16le (or utf-16be)`);
  }
  const counts = new Map(DELIMITERS.map((d) => [d, countOutsideQuotes(headerLine, d)] as const));
  const best = DELIMITERS.reduce((a, b) => ((counts.get(b) ?? 0) > (counts.get(a) ?? 0) ? b : a));
  if (request.delimiter !== undefined) {
    const given = parseDelimiter(request.delimiter);
    if ((counts.get(given) ?? 0) === 0 && (counts.get(best) ?? 0) > 0) {
      const hint = `the header line (${clip(headerLine)}) has no ${show(given)} but ${counts.get(best)} × ${show(best)}; use --delimiter ${show(best)}`;
      throw new ConfigurationError('--delimiter', `the delimiter of the file: ${hint}`, show(given));
    }
    return { encoding, encodingFrom, delimiter: given, delimiterFrom: 'flag' };
  }
  const detected = (counts.get(best) ?? 0) > 0;
  return { encoding, encodingFrom, delimiter: detected ? best : ',', delimiterFrom: detected ? 'header' : 'default' };
}

/** `tab` for a tab, the character in quotes otherwise. */
export function show(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

function readSample(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // the reader reports an unreadable file with its own message
    return Buffer.alloc(0);
  }
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SAMPLE_BYTES, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    closeSync(fd);
  }
}

function bomOf(sample: Buffer): string | undefined {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return undefined;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) count += 1;
  }
  return count;
}

function clip(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
