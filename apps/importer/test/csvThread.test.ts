/**
 * Parsing in a thread must not change what is read: the same header, rows, row numbers and errors (code and
 * message) as parsing on the main thread, for every fixture of the input-fidelity corpus.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeOf } from '@cioscale/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsv, type CsvSource, type CsvSourceOptions } from '../src/csvSource.js';
import { CHUNK_CREDITS, openCsvInThread } from '../src/csvThread.js';
import { detectInputFormat } from '../src/inputFormat.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'cioscale-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a reader sees: header, rows, skipped rows, or the error it ends with. */
async function readAll(open: (path: string, options: CsvSourceOptions) => Promise<CsvSource>, path: string, options: CsvSourceOptions = {}) {
  const skipped: (readonly string[])[] = [];
  try {
    const csv = await open(path, { ...options, skipped: (cells) => skipped.push(cells) });
    const rows = [];
    for await (const chunk of csv.chunks) rows.push(...chunk);
    return { header: csv.header, rows, skipped };
  } catch (error) {
    return { code: codeOf(error), message: (error as Error).message };
  }
}

describe('openCsvInThread', () => {
  // a thread started from source compiles its modules through tsx (~1 s each here): a few fixtures, one per path
  it('reads fixtures exactly as the main thread does: decoding, line endings, and errors with their codes and lines', async () => {
    const names = ['utf16le-bom.csv', 'mixed-line-endings.csv', 'latin1.csv', 'unterminated-quote.csv'];
    for (const name of names) {
      const path = join(fixtures, name);
      const format = detectInputFormat(path);
      const inThread = await readAll(openCsvInThread, path, { format });
      expect(inThread, name).toEqual(await readAll(openCsv, path, { format }));
    }
    // two of them fail: their errors crossed the thread with their codes
    expect(await readAll(openCsvInThread, join(fixtures, 'unterminated-quote.csv'))).toMatchObject({ code: 'CIO_IMPORT_FILE', message: expect.stringMatching(/line \d+/) });
    expect(await readAll(openCsvInThread, join(fixtures, 'latin1.csv'), { format: { encoding: 'utf-8', delimiter: ',' } })).toMatchObject({ code: 'CIO_IMPORT_ENCODING' });
  });

  it('hands skipped rows to `skipped`, numbers the rest from the start and stops at the limit', async () => {
    const path = join(dir, 'many.csv');
    writeFileSync(path, `id,name\n${Array.from({ length: 5000 }, (_, i) => `${i + 1},"name, ${i + 1}"`).join('\n')}\n`);
    const read = await readAll(openCsvInThread, path, { skip: 3000, limit: 4500 });
    expect(read).toEqual(await readAll(openCsv, path, { skip: 3000, limit: 4500 }));
    expect(read.rows?.map((r) => r.row)).toEqual(Array.from({ length: 1500 }, (_, i) => 3001 + i));
    expect(read.skipped?.length).toBe(3000);
  });

  it('parses only a few chunks ahead of a reader that stops, and ends after stop()', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, `id\n${Array.from({ length: 100_000 }, (_, i) => i + 1).join('\n')}\n`);
    const csv = await openCsvInThread(path);
    const iterator = csv.chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done ? undefined : first.value[0]).toEqual({ row: 1, cells: ['1'] });
    // give the thread time to run ahead: it may not go past its credits
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(csv.bytesRead).toBeLessThan(600_000);
    csv.stop();
    const rest = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(rest.length).toBeLessThanOrEqual(CHUNK_CREDITS);
  });
});
