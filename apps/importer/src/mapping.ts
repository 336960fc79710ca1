import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@cioscale/core';

/** How a column's text becomes a value. `auto` guesses numbers and booleans; `timestamp` gives unix seconds. */
export type ColumnType = 'auto' | 'string' | 'number' | 'boolean' | 'timestamp' | 'json';

/** What the rows of the file are. */
export type ImportKind = 'people' | 'events';

/** Which columns make an event, for `kind: "events"`. */
export interface EventColumns {
  /** Column naming the person. @defaultValue 'person' */
  readonly person: string;
  /** Whether `person` holds an `id` or an `email`. @defaultValue 'id' */
  readonly personKind: 'id' | 'email';
  /** Column with the event name. @defaultValue 'name' */
  readonly name: string;
  /** Column with the event time (ISO date, epoch seconds or ms); optional. @defaultValue 'timestamp' */
  readonly timestamp: string;
  /** `event`, `page` or `screen`. @defaultValue 'event' */
  readonly action: 'event' | 'page' | 'screen';
}

/** A mapping file, normalised: every field present. */
export interface Mapping {
  readonly kind: ImportKind;
  /** CSV column → attribute name. */
  readonly rename: Readonly<Record<string, string>>;
  /** CSV column → type. Columns not listed are `auto` (and `created_at` is `timestamp`). */
  readonly types: Readonly<Record<string, ColumnType>>;
  /** CSV columns never sent. */
  readonly ignore: readonly string[];
  /** Identifier column of a people import, when the file says it (the `--id-column` flag wins). */
  readonly idColumn: string | undefined;
  readonly event: EventColumns;
}

const TYPES: readonly ColumnType[] = ['auto', 'string', 'number', 'boolean', 'timestamp', 'json'];
const KEYS = ['kind', 'idColumn', 'rename', 'types', 'ignore', 'event'];

/** The mapping used when no file is given: a people import with every column typed `auto`. */
export const DEFAULT_MAPPING: Mapping = {
  kind: 'people',
  rename: {},
  types: {},
  ignore: [],
  idColumn: undefined,
  event: { person: 'person', personKind: 'id', name: 'name', timestamp: 'timestamp', action: 'event' },
};

/**
 * Reads and validates a mapping file; every problem names the key at fault.
 * @throws {@link ConfigurationError} naming the key at fault
 */
export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError('--mapping', `a readable file (${path})`, (error as NodeJS.ErrnoException).code ?? 'error');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError('--mapping', `a JSON file (${path})`, (error as Error).message);
  }
  return parseMapping(json);
}

/** Validates a parsed mapping object and fills in defaults. @throws {@link ConfigurationError} */
export function parseMapping(json: unknown): Mapping {
  const object = record(json, 'mapping');
  for (const key of Object.keys(object)) if (!KEYS.includes(key)) throw new ConfigurationError('mapping', `an object with only the keys ${KEYS.join(', ')}`, `unknown key "${key}"`);
  const kind = object['kind'] ?? 'people';
  if (kind !== 'people' && kind !== 'events') throw new ConfigurationError('mapping.kind', '"people" or "events"', JSON.stringify(kind));
  const rename = stringMap(object['rename'], 'mapping.rename');
  const types = stringMap(object['types'], 'mapping.types');
  for (const [column, type] of Object.entries(types)) {
    if (!TYPES.includes(type as ColumnType)) throw new ConfigurationError(`mapping.types.${column}`, `one of ${TYPES.join(', ')}`, JSON.stringify(type));
  }
  const ignore = object['ignore'] ?? [];
  if (!Array.isArray(ignore) || !ignore.every((c) => typeof c === 'string')) throw new ConfigurationError('mapping.ignore', 'a list of column names');
  const idColumn = object['idColumn'];
  if (idColumn !== undefined && (typeof idColumn !== 'string' || idColumn === '')) throw new ConfigurationError('mapping.idColumn', 'a column name');
  return { kind, rename, types: types as Record<string, ColumnType>, ignore, idColumn, event: eventColumns(object['event']) };
}

function eventColumns(value: unknown): EventColumns {
  const defaults = DEFAULT_MAPPING.event;
  if (value === undefined) return defaults;
  const object = record(value, 'mapping.event');
  const text = (key: keyof EventColumns): string => {
    const field = object[key] ?? defaults[key];
    if (typeof field !== 'string' || field === '') throw new ConfigurationError(`mapping.event.${key}`, 'a column name');
    return field;
  };
  const personKind = text('personKind');
  if (personKind !== 'id' && personKind !== 'email') throw new ConfigurationError('mapping.event.personKind', '"id" or "email"', JSON.stringify(personKind));
  const action = text('action');
  if (action !== 'event' && action !== 'page' && action !== 'screen') throw new ConfigurationError('mapping.event.action', '"event", "page" or "screen"', JSON.stringify(action));
  return { person: text('person'), personKind, name: text('name'), timestamp: text('timestamp'), action };
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigurationError(name, 'a JSON object');
  return value as Record<string, unknown>;
}

function stringMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  const object = record(value, name);
  for (const [key, field] of Object.entries(object)) if (typeof field !== 'string') throw new ConfigurationError(`${name}.${key}`, 'a string');
  return object as Record<string, string>;
}
