import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

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
 * @throws {@link UsageError}
 */
export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--mapping: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--mapping: ${path} is not valid JSON (${(error as Error).message})`);
  }
  return parseMapping(json);
}

/** Validates a parsed mapping object and fills in defaults. @throws {@link UsageError} */
export function parseMapping(json: unknown): Mapping {
  const object = record(json, 'mapping');
  for (const key of Object.keys(object)) if (!KEYS.includes(key)) throw new UsageError(`mapping: unknown key "${key}"; expected ${KEYS.join(', ')}`);
  const kind = object['kind'] ?? 'people';
  if (kind !== 'people' && kind !== 'events') throw new UsageError(`mapping.kind must be "people" or "events"; received ${JSON.stringify(kind)}`);
  const rename = stringMap(object['rename'], 'mapping.rename');
  const types = stringMap(object['types'], 'mapping.types');
  for (const [column, type] of Object.entries(types)) {
    if (!TYPES.includes(type as ColumnType)) throw new UsageError(`mapping.types.${column} must be one of ${TYPES.join(', ')}; received ${JSON.stringify(type)}`);
  }
  const ignore = object['ignore'] ?? [];
  if (!Array.isArray(ignore) || !ignore.every((c) => typeof c === 'string')) throw new UsageError('mapping.ignore must be a list of column names');
  const idColumn = object['idColumn'];
  if (idColumn !== undefined && (typeof idColumn !== 'string' || idColumn === '')) throw new UsageError('mapping.idColumn must be a column name');
  return { kind, rename, types: types as Record<string, ColumnType>, ignore, idColumn, event: eventColumns(object['event']) };
}

function eventColumns(value: unknown): EventColumns {
  const defaults = DEFAULT_MAPPING.event;
  if (value === undefined) return defaults;
  const object = record(value, 'mapping.event');
  const text = (key: keyof EventColumns): string => {
    const field = object[key] ?? defaults[key];
    if (typeof field !== 'string' || field === '') throw new UsageError(`mapping.event.${key} must be a column name`);
    return field;
  };
  const personKind = text('personKind');
  if (personKind !== 'id' && personKind !== 'email') throw new UsageError(`mapping.event.personKind must be "id" or "email"; received ${JSON.stringify(personKind)}`);
  const action = text('action');
  if (action !== 'event' && action !== 'page' && action !== 'screen') throw new UsageError(`mapping.event.action must be "event", "page" or "screen"; received ${JSON.stringify(action)}`);
  return { person: text('person'), personKind, name: text('name'), timestamp: text('timestamp'), action };
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function stringMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  const object = record(value, name);
  for (const [key, field] of Object.entries(object)) if (typeof field !== 'string') throw new UsageError(`${name}.${key} must be a string`);
  return object as Record<string, string>;
}
