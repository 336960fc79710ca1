import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CHUNK_ROWS, openCsv, type CsvRow } from '../src/csvSource.js';

const dir = mkdtempSync(join(tmpdir(), 'cioscale-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(text: string, options = {}): Promise<{ header: readonly string[]; rows: CsvRow[] }> {
  const path = join(dir, `f${Math.random()}.csv`);
  writeFileSync(path, text);
  const csv = await openCsv(path, options);
  const rows: CsvRow[] = [];
  for await (const chunk of csv.chunks) rows.push(...chunk);
  return { header: csv.header, rows };
}

describe('openCsv', () => {
  it('reads a BOM, CRLF and quoted fields with commas, quotes and newlines', async () => {
    const { header, rows } = await rowsOf('\uFEFFid, name\r\n1,"Doe, ""J"""\r\n2,"two\r\nlines"\r\n');
    expect(header).toEqual(['id', 'name']);
    expect(rows).toEqual([
      { row: 1, cells: ['1', 'Doe, "J"'] },
      { row: 2, cells: ['2', 'two\r\nlines'] },
    ]);
  });

  it('skips rows already done and stops at the limit, counting rows from the start', async () => {
    const { rows } = await rowsOf('id\n1\n2\n3\n4\n5\n', { skip: 2, limit: 4 });
    expect(rows.map((r) => r.row)).toEqual([3, 4]);
  });

  it('emits rows of the wrong width for the mapper to reject', async () => {
    const { rows } = await rowsOf('a,b\n1\n1,2,3\n');
    expect(rows.map((r) => r.cells.length)).toEqual([1, 3]);
  });

  it('hands rows over in chunks of at most MAX_CHUNK_ROWS, in order, and ends after stop()', async () => {
    const path = join(dir, 'many.csv');
    writeFileSync(path, `id,name\n${Array.from({ length: 5000 }, (_, i) => `${i},"name, ${i}"`).join('\n')}\n`);
    const csv = await openCsv(path);
    const sizes: number[] = [];
    const rows: CsvRow[] = [];
    for await (const chunk of csv.chunks) {
      sizes.push(chunk.length);
      rows.push(...chunk);
    }
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(rows[4999]?.cells).toEqual(['4999', 'name, 4999']);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_CHUNK_ROWS);

    const again = await openCsv(path);
    let read = 0;
    for await (const chunk of again.chunks) {
      read += chunk.length;
      again.stop();
      expect(again.stopped).toBe(true);
    }
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(5000);
  });

  it('refuses an empty file', async () => {
    await expect(rowsOf('')).rejects.toThrow(/empty: expected a header row/);
  });
});
