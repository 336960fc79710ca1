/**
 * Scripts and callers branch on an error's `code` (core's rule: `codeOf`, never `instanceof`): a bad flag
 * is `CIO_CONFIG` naming the flag, a file the import cannot take as it is has a `CIO_IMPORT_…` code.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeOf, type ConfigurationError } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { openCsv } from '../src/csvSource.js';
import { detectInputFormat, parseDelimiter, parseEncoding } from '../src/inputFormat.js';
import { DEFAULT_MAPPING } from '../src/mapping.js';
import { parseAllowReserved } from '../src/reservedNames.js';
import { createRowMapper } from '../src/rowMapper.js';

const fixture = (name: string): string => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', name);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Reads every row of a fixture, as the import does. */
async function readAll(name: string): Promise<void> {
  const source = await openCsv(fixture(name), { format: detectInputFormat(fixture(name)) });
  for await (const _chunk of source.chunks);
}

describe('error codes', () => {
  it('a flag the file cannot work with is a ConfigurationError naming the flag', () => {
    const cases: [string, () => unknown][] = [
      ['--delimiter', () => parseDelimiter(':')],
      ['--encoding', () => parseEncoding('klingon')],
      ['--allow-reserved', () => parseAllowReserved('email')],
      ['--delimiter', () => detectInputFormat(fixture('semicolon.csv'), { delimiter: ',' })],
    ];
    for (const [setting, run] of cases) {
      const error = thrown(run);
      expect(codeOf(error)).toBe('CIO_CONFIG');
      expect((error as ConfigurationError).setting).toBe(setting);
    }
  });

  it('bytes that are not the encoding read are CIO_IMPORT_ENCODING', async () => {
    expect(codeOf(thrown(() => detectInputFormat(fixture('utf16le-no-bom.csv'))))).toBe('CIO_IMPORT_ENCODING');
    await expect(readAll('latin1.csv')).rejects.toMatchObject({ code: 'CIO_IMPORT_ENCODING' });
  });

  it('a header that cannot be imported as it is is CIO_IMPORT_HEADER; a missing column CIO_IMPORT_COLUMN; a broken quote CIO_IMPORT_FILE', async () => {
    expect(codeOf(thrown(() => createRowMapper(['id', 'plan', 'plan'], DEFAULT_MAPPING, 'id')))).toBe('CIO_IMPORT_HEADER');
    expect(codeOf(thrown(() => createRowMapper(['id', '_update'], DEFAULT_MAPPING, 'id')))).toBe('CIO_IMPORT_HEADER');
    expect(codeOf(thrown(() => createRowMapper(['email'], DEFAULT_MAPPING, 'id')))).toBe('CIO_IMPORT_COLUMN');
    await expect(readAll('unterminated-quote.csv')).rejects.toMatchObject({ code: 'CIO_IMPORT_FILE' });
  });
});

describe('PostgreSQL source error codes', () => {
  it('an unreachable database is CIO_IMPORT_POSTGRES, its message without the password', async () => {
    const { openPostgres } = await import('../src/pgSource.js');
    const error: unknown = await openPostgres({ url: 'postgres://app:hunter2-secret@127.0.0.1:1/db', table: 'people', key: 'id' }).catch((caught: unknown) => caught);
    expect(codeOf(error)).toBe('CIO_IMPORT_POSTGRES');
    expect((error as Error).message).toContain('postgres://app:***@127.0.0.1:1/db');
    expect((error as Error).message).not.toContain('hunter2-secret');
  });
});
