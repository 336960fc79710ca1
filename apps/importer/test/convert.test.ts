import { describe, expect, it } from 'vitest';
import { CellError, convertCell, toUnixSeconds } from '../src/convert.js';

describe('convertCell', () => {
  it('guesses numbers and booleans but keeps zip codes, phones and long ids as text', () => {
    expect(convertCell('42', 'auto', 'c')).toBe(42);
    expect(convertCell('-3.25', 'auto', 'c')).toBe(-3.25);
    expect(convertCell('true', 'auto', 'c')).toBe(true);
    expect(convertCell('02134', 'auto', 'c')).toBe('02134');
    expect(convertCell('+1 555 0100', 'auto', 'c')).toBe('+1 555 0100');
    expect(convertCell('12345678901234567890', 'auto', 'c')).toBe('12345678901234567890');
    expect(convertCell('1e5', 'auto', 'c')).toBe('1e5');
  });

  it('applies explicit types and names the column when a cell does not fit', () => {
    expect(convertCell('007', 'number', 'c')).toBe(7);
    expect(convertCell('yes', 'boolean', 'c')).toBe(true);
    expect(convertCell('42', 'string', 'c')).toBe('42');
    expect(convertCell('{"a":[1]}', 'json', 'c')).toEqual({ a: [1] });
    expect(() => convertCell('abc', 'number', 'seats')).toThrow(/column "seats": "abc" is not a number/);
    expect(() => convertCell('maybe', 'boolean', 'vip')).toThrow(CellError);
  });
});

describe('toUnixSeconds', () => {
  it('reads ISO dates, epoch seconds and epoch milliseconds', () => {
    expect(toUnixSeconds('2024-01-02T03:04:05Z', 'c')).toBe(1_704_164_645);
    expect(toUnixSeconds('2024-01-02', 'c')).toBe(1_704_153_600);
    expect(toUnixSeconds('2024-01-02 03:04:05+02:00', 'c')).toBe(1_704_157_445);
    expect(toUnixSeconds('1700000000', 'c')).toBe(1_700_000_000);
    expect(toUnixSeconds('1700000000123', 'c')).toBe(1_700_000_000);
  });

  it('refuses text that only looks like a date to a lenient parser', () => {
    expect(() => toUnixSeconds('1 apple', 'created_at')).toThrow(/created_at/);
    expect(() => toUnixSeconds('yesterday', 'created_at')).toThrow(CellError);
  });
});
