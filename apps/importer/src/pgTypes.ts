import { parse as parseArray } from 'postgres-array';

/**
 * PostgreSQL values as JSON cells (`jsonCells.ts`), decided by column type from the text the server sends.
 * The session runs with `TimeZone = UTC` and `DateStyle = ISO`, so the texts parsed here have one shape.
 *
 * | PostgreSQL | sent as |
 * |---|---|
 * | NULL | the attribute is left out |
 * | boolean | `true` / `false` |
 * | smallint, integer, real, double precision | a number |
 * | bigint, numeric | a number when a double keeps every digit; else the row is rejected naming the column (cast it `::text` to send the digits as a string) |
 * | NaN, ±Infinity (no JSON number for them) | the string `"NaN"`, `"Infinity"`, `"-Infinity"` |
 * | timestamp, timestamptz | unix seconds (a timestamp without time zone is read as UTC; fractions of a second dropped) |
 * | date | unix seconds of midnight UTC |
 * | json, jsonb | the JSON value |
 * | arrays of these | JSON arrays of the same values (a NULL element stays `null`) |
 * | bytea | refused before anything is sent: cast it (`encode(col, 'base64')`) |
 * | anything else (text, uuid, interval, …) | PostgreSQL's text, as a string |
 *
 * `infinity` timestamps and dates outside 0001–9999 AD have no unix seconds and stay their text.
 */
export type CellParser = (text: string) => string;

/** Column types refused at open, with the fix. */
export const REFUSED_TYPES: Readonly<Record<number, string>> = {
  17: "bytea has no JSON form; select it as text, e.g. encode(column, 'base64')",
  1001: "bytea[] has no JSON form; select it as text, e.g. array_to_json(column)::text",
};

const quoted: CellParser = (text) => JSON.stringify(text);
const number: CellParser = (text) => (text === 'NaN' || text === 'Infinity' || text === '-Infinity' ? JSON.stringify(text) : text);
const boolean: CellParser = (text) => (text === 't' ? 'true' : 'false');
const json: CellParser = (text) => text;
const timestamp: CellParser = (text) => {
  const seconds = timestampSeconds(text);
  return seconds === undefined ? JSON.stringify(text) : String(seconds);
};

const SCALARS: Readonly<Record<number, CellParser>> = {
  16: boolean,
  20: number,
  21: number,
  23: number,
  26: number,
  700: number,
  701: number,
  1700: number,
  1082: timestamp,
  1114: timestamp,
  1184: timestamp,
  114: json,
  3802: json,
};

/** Array type → element type. */
const ARRAYS: Readonly<Record<number, number>> = {
  1000: 16,
  1005: 21,
  1007: 23,
  1016: 20,
  1021: 700,
  1022: 701,
  1231: 1700,
  1182: 1082,
  1115: 1114,
  1185: 1184,
  199: 114,
  3807: 3802,
  1009: 25,
  1015: 1043,
  1014: 1042,
  2951: 2950,
};

/** The parser of a column type (its OID). */
export function cellParser(oid: number): CellParser {
  const scalar = SCALARS[oid];
  if (scalar) return scalar;
  const element = ARRAYS[oid];
  if (element !== undefined) {
    const each = SCALARS[element] ?? quoted;
    return (text) => arrayJson(parseArray(text, each));
  }
  return quoted;
}

/** A parsed array of cells (nested for more dimensions, `null` for NULL) as JSON text, digits unchanged. */
function arrayJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(arrayJson).join(',')}]`;
  return value as string;
}

// `2024-01-02 03:04:05.123456+00`, `+05:30`, `-03:30:15` (historic offsets), or a date alone
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.\d+)?)?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?$/;

/** Unix seconds of a PostgreSQL ISO timestamp or date text, or `undefined` (`infinity`, BC, beyond 9999). */
export function timestampSeconds(text: string): number | undefined {
  // the common shape in a UTC session, `2024-01-02 03:04:05[.123456]+00`, without the regex and Date.UTC
  if (text.length >= 22 && text.charCodeAt(10) === 32 && text.endsWith('+00') && text.charCodeAt(0) !== 48) {
    const day = midnight(text.slice(0, 10));
    if (day !== undefined) return day + twoDigits(text, 11) * 3600 + twoDigits(text, 14) * 60 + twoDigits(text, 17);
  }
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', sign, oh = '0', om = '0', os = '0'] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * (sign === '-' ? -1 : 1);
  // Date.UTC reads years 0–99 as 1900–1999
  if (Number(y) < 100) return undefined;
  return utc / 1000 - offset;
}

/** The number of the two digits at `at` (no closure per call: this runs for every timestamp cell). */
function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

const midnights = new Map<string, number>();

/** Unix seconds of `YYYY-MM-DD` at midnight UTC, remembered (a table's timestamps span few days per batch). */
function midnight(day: string): number | undefined {
  let seconds = midnights.get(day);
  if (seconds === undefined) {
    if (!/^\d{4}-\d\d-\d\d$/.test(day)) return undefined;
    seconds = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 1000;
    if (midnights.size > 100_000) midnights.clear();
    midnights.set(day, seconds);
  }
  return seconds;
}
