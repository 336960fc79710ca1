/**
 * Each input class that used to be changed silently, with its own fixture in test/fixtures: the file is
 * read as it is, or the import says exactly where and why it cannot.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, restoreCell } from '../src/cellChecks.js';
import { openCsv, type CsvRow } from '../src/csvSource.js';
import { detectInputFormat, type InputFormatRequest } from '../src/inputFormat.js';
import { DEFAULT_MAPPING, parseMapping } from '../src/mapping.js';
import { createRowMapper, isRowProblem } from '../src/rowMapper.js';

const fixture = (name: string): string => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', name);

async function read(name: string, request: InputFormatRequest = {}): Promise<{ header: readonly string[]; rows: CsvRow[] }> {
  const path = fixture(name);
  const csv = await openCsv(path, { format: detectInputFormat(path, request) });
  const rows: CsvRow[] = [];
  for await (const chunk of csv.chunks) rows.push(...chunk);
  return { header: csv.header, rows };
}

const cellsOf = async (name: string, request?: InputFormatRequest): Promise<string[][]> => (await read(name, request)).rows.map((r) => r.cells);

describe('encodings', () => {
  it('refuses invalid UTF-8, naming the line and column of the first bad byte and --encoding', async () => {
    await expect(read('latin1.csv')).rejects.toThrow(/not valid UTF-8: byte 0xe9 at line 3, column 7 .*--encoding/);
    await expect(read('truncated-utf8.csv')).rejects.toThrow(/byte 0xc3 at line 2, column 7/);
  });

  it('decodes the encoding --encoding names', async () => {
    expect(await cellsOf('latin1.csv', { encoding: 'latin1' })).toEqual([
      ['u1', 'Ana', 'Lisboa'],
      ['u2', 'José', 'São Paulo'],
    ]);
    expect(await cellsOf('windows-1252.csv', { encoding: 'windows-1252' })).toEqual([['u1', '“fancy” €5']]);
  });

  it('follows a byte-order mark: UTF-8, UTF-16LE and UTF-16BE', async () => {
    for (const name of ['utf8-bom.csv', 'utf16le-bom.csv', 'utf16be-bom.csv']) {
      const { header, rows } = await read(name);
      expect(header, name).toEqual(['id', 'name']);
      expect(rows.map((r) => r.cells), name).toEqual([['u1', 'Zoë']]);
    }
    expect(detectInputFormat(fixture('utf16le-bom.csv'))).toMatchObject({ encoding: 'utf-16le', encodingFrom: 'bom' });
  });

  it('says a header full of NUL bytes looks like UTF-16 without a byte-order mark', () => {
    expect(() => detectInputFormat(fixture('utf16le-no-bom.csv'))).toThrow(/NUL bytes.*--encoding utf-16le/);
  });
});

describe('delimiters', () => {
  it('detects ; tab and | from the header line', async () => {
    expect(await cellsOf('semicolon.csv')).toEqual([['u1', 'u1@example.com', 'pro; annual']]);
    expect(await cellsOf('tab.tsv')).toEqual([['u1', 'u1@example.com', 'pro']]);
    expect(await cellsOf('pipe.csv')).toEqual([['u1', 'u1@example.com', 'pro']]);
    expect(detectInputFormat(fixture('tab.tsv'))).toMatchObject({ delimiter: '\t', delimiterFrom: 'header' });
  });

  it('reads the --delimiter given, and hints when the header looks separated by another', async () => {
    expect(await cellsOf('tab.tsv', { delimiter: 'tab' })).toEqual([['u1', 'u1@example.com', 'pro']]);
    expect(() => detectInputFormat(fixture('semicolon.csv'), { delimiter: ',' })).toThrow(/has no ',' but 2 × ';'; use --delimiter ';'/);
  });
});

describe('line endings', () => {
  it('splits rows on any mix of LF, CRLF and CR and leaves no \\r in values', async () => {
    expect(await cellsOf('mixed-line-endings.csv')).toEqual([
      ['u1', 'pro'],
      ['u2', 'free'],
      ['u3', 'team'],
      ['u4', 'two\r\nlines'],
    ]);
  });
});

describe('parse errors', () => {
  it('names the line where an unterminated quoted field starts', async () => {
    await expect(read('unterminated-quote.csv')).rejects.toThrow(/quoted field starting on line 3 is never closed/);
  });
});

describe('mapping the header and the cells', () => {
  it('refuses a header naming a column twice, with both positions', async () => {
    const { header } = await read('duplicate-header.csv');
    expect(() => createRowMapper(header, DEFAULT_MAPPING, 'id')).toThrow(/column "plan" twice, as column 2 and column 4/);
  });

  it('refuses two columns renamed to one attribute', () => {
    expect(() => createRowMapper(['id', 'Plan', 'plan'], parseMapping({ rename: { Plan: 'plan' } }), 'id')).toThrow(/"Plan" and "plan" would both be sent as attribute "plan"/);
  });

  it('rejects a row with a NUL or other control character, naming the column and the character', async () => {
    const { header, rows } = await read('control-characters.csv');
    const map = createRowMapper(header, DEFAULT_MAPPING, 'id');
    const results = rows.map((r) => map(r.cells));
    expect(results.map((r) => (isRowProblem(r) ? r.reason : 'ok'))).toEqual(['ok', 'control_character', 'control_character', 'ok']);
    expect(results[1]).toMatchObject({ message: 'column "note": character 4 is the control character U+0000 (NUL)' });
    expect(results[2]).toMatchObject({ message: expect.stringContaining('U+0007') });
  });

  it('reads TRUE/FALSE/True/False as booleans', async () => {
    const { header, rows } = await read('booleans.csv');
    const map = createRowMapper(header, DEFAULT_MAPPING, 'id');
    expect(rows.map((r) => map(r.cells))).toMatchObject([{ attributes: { vip: true, trial: false, beta: true } }, { attributes: { vip: false, trial: true, beta: false } }]);
  });

  it('checks email identifiers, in people and event imports', async () => {
    const { header, rows } = await read('emails.csv');
    const map = createRowMapper(header, DEFAULT_MAPPING, 'email');
    expect(rows.map((r) => map(r.cells)).map((r) => (isRowProblem(r) ? r.reason : 'ok'))).toEqual(['ok', 'invalid_email', 'invalid_email', 'invalid_email', 'ok']);
    const events = createRowMapper(['person', 'name'], parseMapping({ kind: 'events', event: { personKind: 'email' } }), 'id');
    expect(events(['Jane Doe', 'signed_up'])).toMatchObject({ reason: 'invalid_email', message: 'column "person": "Jane Doe" is not an email address' });
  });
});

describe('reserved Customer.io names', () => {
  it('refuses _update unless --allow-reserved names it, then sends it as a boolean and says so', async () => {
    const { header, rows } = await read('reserved-update.csv');
    expect(() => createRowMapper(header, DEFAULT_MAPPING, 'id')).toThrow(/column "_update" is Customer\.io's reserved attribute "_update": .*never creates one.*--allow-reserved _update/);
    const map = createRowMapper(header, DEFAULT_MAPPING, 'id', { allowReserved: ['_update'] });
    expect(map(rows[0]?.cells ?? [])).toMatchObject({ attributes: { _update: true, plan: 'pro' } });
    expect(map.reserved).toEqual([
      { column: 'id', name: 'id', handling: 'identifier (identifiers.id)' },
      { column: '_update', name: '_update', handling: expect.stringMatching(/^sent, allowed by --allow-reserved/) },
    ]);
  });

  it('refuses an id column beside an email identifier, a rename into a reserved name, and maps email and created_at', async () => {
    const { header } = await read('reserved-email-id.csv');
    expect(() => createRowMapper(header, DEFAULT_MAPPING, 'email')).toThrow(/column "id" is Customer\.io's reserved attribute "id"/);
    expect(() => createRowMapper(['id', 'anon'], parseMapping({ rename: { anon: 'anonymous_id' } }), 'id')).toThrow(/column "anon" \(renamed to "anonymous_id"\)/);
    expect(() => createRowMapper(['id', 'cio_id'], DEFAULT_MAPPING, 'id')).toThrow(/reserved attribute "cio_id"/);
    expect(() => createRowMapper(['id', '_timestamp'], DEFAULT_MAPPING, 'id')).toThrow(/reserved attribute "_timestamp"/);
    const map = createRowMapper(['id', 'email', 'created_at'], DEFAULT_MAPPING, 'id');
    expect(map.reserved.map((r) => r.name)).toEqual(['id', 'email', 'created_at']);
  });
});

describe('formula cells in the failed-rows file', () => {
  it("puts ' before = + - @ tab and CR, and a re-import reads the original back", async () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', "'=x", 'plain', "'quoted"].map(neutraliseCell)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "''=x", 'plain', "'quoted"]);
    const { rows } = await read('formula-cells.csv');
    for (const { cells } of rows) for (const cell of cells) expect(restoreCell(neutraliseCell(cell))).toBe(cell);
  });
});
