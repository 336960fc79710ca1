import type { AttributeValue } from '@cioscale/core';
import type { ColumnType } from './mapping.js';

/** A cell that could not be read as its type. */
export class CellError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

// No leading zeros (zip codes, phone numbers stay text), at most 15 significant digits (exact in a double).
const NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

/**
 * The value of one non-empty cell.
 *
 * `auto` turns `true`/`false` in any case (spreadsheets write `TRUE`/`FALSE`) into booleans and plain
 * decimal numbers into numbers, and leaves the rest as text: a zip code `02134` or a long account number
 * must not lose digits.
 *
 * @throws {@link CellError} when the text does not fit an explicit type
 */
export function convertCell(text: string, type: ColumnType, column: string): AttributeValue {
  switch (type) {
    case 'string':
      return text;
    case 'auto':
      if (text.length === 4 || text.length === 5) {
        const lower = text.toLowerCase();
        if (lower === 'true' || lower === 'false') return lower === 'true';
      }
      return NUMBER.test(text) ? Number(text) : text;
    case 'number': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(value)) throw new CellError(column, `column "${column}": "${clip(text)}" is not a number`);
      return value;
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return true;
      if (['false', 'no', '0'].includes(lower)) return false;
      throw new CellError(column, `column "${column}": "${clip(text)}" is not a boolean (true/false, yes/no, 1/0)`);
    }
    case 'timestamp':
      return toUnixSeconds(text, column);
    case 'json':
      try {
        return JSON.parse(text) as AttributeValue;
      } catch {
        throw new CellError(column, `column "${column}": "${clip(text)}" is not valid JSON`);
      }
  }
}

/**
 * Unix seconds from an ISO 8601 date or epoch seconds/milliseconds (13 digits = ms).
 * @throws {@link CellError} for anything else
 */
export function toUnixSeconds(text: string, column: string): number {
  const trimmed = text.trim();
  if (EPOCH.test(trimmed)) {
    const value = Number(trimmed);
    return Math.floor(value >= 1e11 ? value / 1000 : value);
  }
  // Date.parse accepts far too much ("1 apple"); demand an ISO date shape first
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const ms = Date.parse(trimmed.includes(' ') ? trimmed.replace(' ', 'T') : trimmed);
    if (!Number.isNaN(ms) && ms >= 0) return Math.floor(ms / 1000);
  }
  throw new CellError(column, `column "${column}": "${clip(text)}" is not a date (ISO 8601, or epoch seconds or milliseconds)`);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
