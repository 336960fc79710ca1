import { describe, expect, it } from 'vitest';
import { JSON_CELLS } from '../src/jsonCells.js';
import { cellParser, timestampSeconds } from '../src/pgTypes.js';
import { maskPostgresUrl, withoutPassword } from '../src/pgUrl.js';

const value = (cell: string, type: 'auto' | 'string' | 'timestamp' = 'auto'): unknown => JSON_CELLS.value(cell, type, 'col');

describe('typed cells', () => {
  it('bigint and numeric are sent as numbers only when a double keeps their digits', () => {
    expect(value(cellParser(20)('9007199254740991'))).toBe(9007199254740991);
    expect(value(cellParser(20)('100000000000000000'))).toBe(1e17);
    expect(value(cellParser(1700)('1234.50'))).toBe(1234.5);
    expect(() => value(cellParser(20)('9007199254740993'))).toThrow('column "col": 9007199254740993 has more digits than a JSON number keeps exactly');
    expect(() => value(cellParser(1700)('0.12345678901234567891'))).toThrow('more digits');
    // typed string in the mapping: the exact digits as text
    expect(value(cellParser(20)('9007199254740993'), 'string')).toBe('9007199254740993');
    // inside an array too
    expect(() => value(cellParser(1016)('{1,9007199254740993}'))).toThrow('more digits');
    expect(value(cellParser(1016)('{1,NULL,3}'))).toEqual([1, null, 3]);
  });

  it('an int8 identifier keeps its digits', () => {
    expect(JSON_CELLS.text(cellParser(20)('9007199254740993'), 'id')).toBe('9007199254740993');
  });

  it('timestamps become unix seconds, whatever the offset; dates are midnight UTC', () => {
    expect(timestampSeconds('2024-01-01 00:00:00+00')).toBe(1_704_067_200);
    expect(timestampSeconds('2024-01-01 05:30:00.999+05:30')).toBe(1_704_067_200);
    expect(timestampSeconds('2024-01-01')).toBe(1_704_067_200);
    expect(timestampSeconds('2024-02-29 23:59:59.999999+00')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59) / 1000);
    expect(timestampSeconds('1969-12-31 23:59:59+00')).toBe(-1);
    expect(value(cellParser(1184)('infinity'))).toBe('infinity');
    expect(value(cellParser(1185)('{"2024-01-01 00:00:00+00",NULL}'))).toEqual([1_704_067_200, null]);
  });

  it('json keeps its value, text stays text, NaN becomes a string', () => {
    expect(value(cellParser(3802)('{"a": [1, {"b": null}]}'))).toEqual({ a: [1, { b: null }] });
    expect(value(cellParser(25)('02134'))).toBe('02134');
    expect(value(cellParser(701)('NaN'))).toBe('NaN');
    expect(value(cellParser(16)('t'))).toBe(true);
  });

  it('the password never shows', () => {
    const url = 'postgres://app:p%40ss@db.internal:5432/crm?sslmode=require&password=other';
    expect(maskPostgresUrl(url)).toBe('postgres://app:***@db.internal:5432/crm?sslmode=require&password=***');
    expect(withoutPassword('failed for p@ss and p%40ss and other', url)).toBe('failed for *** and *** and ***');
  });
});
