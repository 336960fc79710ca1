import type { AttributeValue } from '@cioscale/core';
import { CellError, convertCell, toUnixSeconds } from './convert.js';
import type { ColumnType } from './mapping.js';

/**
 * Typed sources (JSON Lines, PostgreSQL) travel the same pipeline as CSV, whose rows are arrays of text
 * cells: each of their values becomes one cell holding its JSON text, `''` for NULL or an absent key. So a
 * string stays a string (`"02134"` is not guessed into a number), a number keeps the digits the source
 * wrote (an int8 or numeric arrives as its exact text), objects and arrays stay JSON values, and the
 * read-ahead window, the failed-rows file and `--diff` work on them unchanged.
 */
export function jsonCell(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** How the row mapper reads the cells of one kind of source. */
export interface CellReader {
  /** An identifier, event name or person: the text, `''` when empty. @throws {@link CellError} */
  text(cell: string, column: string): string;
  /** An attribute: its value, or `undefined` to leave it out. @throws {@link CellError} */
  value(cell: string, type: ColumnType, column: string): AttributeValue | undefined;
  /** An event timestamp cell (never empty), as unix seconds. @throws {@link CellError} */
  timestamp(cell: string, column: string): number;
}

/** CSV: every cell is text; an empty cell is left out, the rest is converted by its column's type. */
export const TEXT_CELLS: CellReader = {
  text: (cell) => cell,
  value: (cell, type, column) => (cell === '' ? undefined : convertCell(cell, type, column)),
  timestamp: (cell, column) => toUnixSeconds(cell, column),
};

/**
 * JSON cells ({@link jsonCell}): a value keeps its own type (`auto` guesses nothing); a mapping type
 * converts a string value as it converts a CSV cell; JSON `null` is left out like an empty cell.
 *
 * A number is sent as a JSON number only when the double it becomes prints the same digits the source
 * wrote; otherwise (a bigint past 2^53, a numeric with more than ~15 significant digits) the row is
 * rejected naming the column and the fix, since sending a rounded number would change the user's data.
 * Typing the column `string` in the mapping sends the exact digits as text instead.
 */
export const JSON_CELLS: CellReader = {
  text: (cell, column) => {
    if (cell === '') return '';
    if (cell.charCodeAt(0) === 34 /* " */) return JSON.parse(cell) as string;
    // an integer identifier keeps its exact digits: it is text to Customer.io anyway
    if (/^-?\d+$/.test(cell)) return cell;
    throw new CellError(column, `column "${column}": ${clip(cell)} is not text or an integer`);
  },
  value: (cell, type, column) => {
    if (cell === '') return undefined;
    const value = type === 'auto' ? quickValue(cell) : (JSON.parse(cell) as AttributeValue);
    if (value === null) return undefined;
    if (typeof value === 'number') {
      if (type === 'string') return cell;
      if (!exactNumber(cell, value)) throw inexact(column, cell);
    }
    if (typeof value === 'object' && LONG_NUMBER.test(cell)) {
      const rounded = roundedNumber(value, cell);
      if (rounded !== undefined) throw inexact(column, rounded);
    }
    if (type === 'auto' || type === 'json') return value;
    if (typeof value === 'string') return type === 'string' ? value : convertCell(value, type, column);
    if (type === 'number' && typeof value === 'number') return value;
    if (type === 'boolean' && typeof value === 'boolean') return value;
    if (type === 'timestamp' && typeof value === 'number') return toUnixSeconds(cell, column);
    if (type === 'string') return typeof value === 'object' ? cell : String(value);
    throw new CellError(column, `column "${column}": ${clip(cell)} is not a ${type}`);
  },
  timestamp: (cell, column) => {
    const value = JSON.parse(cell) as unknown;
    if (typeof value === 'string') return toUnixSeconds(value, column);
    if (typeof value === 'number') return toUnixSeconds(cell, column);
    throw new CellError(column, `column "${column}": ${clip(cell)} is not a date (ISO 8601, or epoch seconds or milliseconds)`);
  },
};

// a run of 16+ digits may be a number a double rounds (15 significant digits always survive)
export const LONG_NUMBER = /\d[\d.]{15,}/;

/**
 * A number of `value` that JSON.parse rounded, as the text it prints now, or `undefined`. A rounded
 * number prints different digits than the line wrote (`12345678901234567890` → `12345678901234567000`),
 * so its printed form is not in the line. (Node 20 has no access to a value's source text in JSON.parse.) Only a text with a run of 16 or more digits
 * ({@link LONG_NUMBER}) needs the check.
 */
export function roundedNumber(value: unknown, line: string): string | undefined {
  if (typeof value === 'number') {
    const printed = String(value);
    return printed.length > 15 && !line.includes(printed) ? printed : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const item of Object.values(value)) {
    const found = roundedNumber(item, line);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `JSON.parse` of a cell, without the parser for the common cells (a string without escapes, a short
 * number, a boolean): at a million rows of ten columns that is ten million calls.
 */
function quickValue(cell: string): AttributeValue {
  const first = cell.charCodeAt(0);
  if (first === 34 /* " */ && cell.indexOf('\\') < 0) return cell.slice(1, -1);
  // a cell is always valid JSON (jsonCell, pgTypes): a number's text reads the same with Number()
  if (cell.length <= 15 && ((first >= 48 && first <= 57) || first === 45)) return Number(cell);
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  return JSON.parse(cell) as AttributeValue;
}

/** True when `value` (the double `text` parses to) prints the same number `text` wrote. */
export function exactNumber(text: string, value: number): boolean {
  // up to 15 significant digits always survive a double
  if (text.length <= 15) return true;
  return Number.isFinite(value) && canonical(text) === canonical(String(value));
}

/** A decimal as `digits e exponent` without leading or trailing zeros, so `1.50` and `15e-1` compare equal. */
function canonical(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', int = '', fraction = '', exponent = '0'] = match;
  let digits = `${int}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let power = Number(exponent) - fraction.length;
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${sign}${digits}e${power}`;
}

function inexact(column: string, cell: string): CellError {
  return new CellError(
    column,
    `column "${column}": ${clip(cell)} has more digits than a JSON number keeps exactly (a double); cast it to text in the query (or type the column "string" in the mapping) to send the exact digits as a string`,
  );
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
