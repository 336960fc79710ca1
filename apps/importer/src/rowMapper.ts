import { identify, type Attributes, type AttributeValue, type Operation, type PersonIdentifiers } from '@cioscale/core';
import { checkHeader, controlCharacterIn, isEmailAddress, restoreCell } from './cellChecks.js';
import { CellError } from './convert.js';
import { HeaderError, MissingColumnError } from './errors.js';
import { JSON_CELLS, TEXT_CELLS, type CellReader } from './jsonCells.js';
import type { ColumnType, Mapping } from './mapping.js';
import { RESERVED_TYPES, reservedColumns, type ReservedColumn } from './reservedNames.js';

/** The column the failed-rows file adds; ignored when such a file is imported again. */
export const ERROR_COLUMN = 'cioscale_error';

/** A row that cannot become an operation, and why. */
export interface RowProblem {
  readonly reason: string;
  readonly message: string;
}

/** Turns one CSV record (cells in header order) into an operation, or says why it cannot. */
export interface RowMapper {
  (cells: readonly string[]): Operation | RowProblem;
  /** What the import does with each reserved Customer.io name among the columns (people imports). */
  readonly reserved: readonly ReservedColumn[];
}

/** Options of {@link createRowMapper}. */
export interface RowMapperOptions {
  /** Reserved attribute names to send anyway (`--allow-reserved`). @defaultValue none */
  readonly allowReserved?: readonly string[];
  /** `json`: cells hold JSON values (JSON Lines, PostgreSQL; see `jsonCells.ts`). @defaultValue 'text' (CSV) */
  readonly cells?: 'text' | 'json';
}

interface AttributeColumn {
  readonly index: number;
  readonly column: string;
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * Plans, once per file, which column becomes what, then maps rows without looking names up again.
 *
 * @param header - the CSV header row
 * @param mapping - renames, types, ignored columns and the kind of import
 * @param idColumn - identifier column of a people import; a column named `email` identifies by email
 * @throws {@link MissingColumnError} when a column the import needs is not in the header
 * @throws {@link HeaderError} when a name appears twice, two columns would send one attribute, or a reserved
 * Customer.io name would change what the import does (see `reservedNames.ts`)
 */
export function createRowMapper(header: readonly string[], mapping: Mapping, idColumn: string, options: RowMapperOptions = {}): RowMapper {
  checkHeader(header);
  // a failed-rows file carries `'` in front of formula-like cells; importing it again sends the original
  const reader = options.cells === 'json' ? JSON_CELLS : TEXT_CELLS;
  const restore = reader === TEXT_CELLS && header.includes(ERROR_COLUMN);
  const indexOf = (column: string, what: string): number => {
    const index = header.indexOf(column);
    if (index < 0) throw new MissingColumnError(`${what} column "${column}" is not in the header (${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
    return index;
  };
  const width = header.length;
  const wrongWidth = (cells: readonly string[]): RowProblem | undefined =>
    cells.length === width ? undefined : { reason: 'column_count', message: `row has ${cells.length} columns; the header has ${width}` };
  /** The first problem of the cells the operation is built from: a wrong width or a control character. */
  const unusable = (cells: readonly string[], used: readonly number[]): RowProblem | undefined => {
    const problem = wrongWidth(cells);
    if (problem) return problem;
    for (const index of used) {
      const message = controlCharacterIn(cells[index] ?? '', header[index] ?? '');
      if (message) return { reason: 'control_character', message };
    }
    return undefined;
  };
  const read = (raw: readonly string[]): readonly string[] => (restore ? raw.map(restoreCell) : raw);

  if (mapping.kind === 'events') {
    const { event } = mapping;
    const person = indexOf(event.person, 'event person');
    const name = indexOf(event.name, 'event name');
    const timestamp = header.indexOf(event.timestamp);
    const data = attributeColumns(header, mapping, new Set([person, name, timestamp]));
    const used = [person, name, ...(timestamp >= 0 ? [timestamp] : []), ...data.map((c) => c.index)];
    const byEmail = event.personKind === 'email';
    return withReserved((raw) => {
      const cells = read(raw);
      const problem = unusable(cells, used);
      if (problem) return problem;
      try {
        const who = reader.text(cells[person] ?? '', event.person);
        if (who === '') return { reason: 'missing_identifier', message: `column "${event.person}" is empty` };
        if (byEmail && !isEmailAddress(who)) return invalidEmail(event.person, who);
        const eventName = reader.text(cells[name] ?? '', event.name);
        if (eventName === '') return { reason: 'event_name_missing', message: `column "${event.name}" is empty` };
        const when = timestamp >= 0 && cells[timestamp] !== '' ? reader.timestamp(cells[timestamp] ?? '', event.timestamp) : undefined;
        const attributes = attributesOf(cells, data, reader);
        return {
          type: 'person',
          action: event.action,
          identifiers: event.personKind === 'email' ? { email: who } : { id: who },
          name: eventName,
          ...(attributes && { attributes }),
          ...(when !== undefined && { timestamp: when }),
        };
      } catch (error) {
        return cellProblem(error);
      }
    }, []);
  }

  const id = indexOf(idColumn, '--id-column');
  const byEmail = idColumn.toLowerCase() === 'email';
  // identifying by email keeps `email` as an attribute too: Customer.io sends email to that attribute
  const attributes = attributeColumns(header, mapping, byEmail ? new Set() : new Set([id]));
  const reserved = reservedColumns({ column: idColumn, kind: byEmail ? 'email' : 'id' }, byEmail ? attributes.filter((c) => c.index !== id) : attributes, new Set(options.allowReserved));
  const used = [id, ...attributes.map((c) => c.index)];
  return withReserved((raw) => {
    const cells = read(raw);
    const problem = unusable(cells, used);
    if (problem) return problem;
    try {
      const value = reader.text(cells[id] ?? '', idColumn);
      if (value === '') return { reason: 'missing_identifier', message: `column "${idColumn}" is empty` };
      if (byEmail && !isEmailAddress(value)) return invalidEmail(idColumn, value);
      const identifiers: PersonIdentifiers = byEmail ? { email: value } : { id: value };
      return identify(identifiers, attributesOf(cells, attributes, reader));
    } catch (error) {
      return cellProblem(error);
    }
  }, reserved);
}

function withReserved(map: (cells: readonly string[]) => Operation | RowProblem, reserved: readonly ReservedColumn[]): RowMapper {
  return Object.assign(map, { reserved });
}

function invalidEmail(column: string, value: string): RowProblem {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return { reason: 'invalid_email', message: `column "${column}": ${JSON.stringify(shown)} is not an email address` };
}

function attributeColumns(header: readonly string[], mapping: Mapping, taken: ReadonlySet<number>): AttributeColumn[] {
  const ignored = new Set([...mapping.ignore, ERROR_COLUMN]);
  const columns: AttributeColumn[] = [];
  const byName = new Map<string, string>();
  header.forEach((column, index) => {
    if (taken.has(index) || ignored.has(column) || column === '') return;
    const name = mapping.rename[column] ?? column;
    const other = byName.get(name);
    if (other !== undefined) throw new HeaderError(`columns "${other}" and "${column}" would both be sent as attribute "${name}"; rename or ignore one in the mapping`);
    byName.set(name, column);
    const type = mapping.types[column] ?? RESERVED_TYPES[name] ?? 'auto';
    columns.push({ index, column, name, type });
  });
  return columns;
}

/** Attributes of the non-empty cells; empty cells (and JSON nulls) are left out, never sent as "". */
function attributesOf(cells: readonly string[], columns: readonly AttributeColumn[], reader: CellReader): Attributes | undefined {
  let attributes: Record<string, AttributeValue> | undefined;
  for (const { index, column, name, type } of columns) {
    const text = cells[index];
    if (text === undefined || text === '') continue;
    const value = reader.value(text, type, column);
    if (value !== undefined) (attributes ??= {})[name] = value;
  }
  return attributes;
}

function cellProblem(error: unknown): RowProblem {
  if (error instanceof CellError) return { reason: 'invalid_value', message: error.message };
  throw error;
}

/** True when the mapper answered a problem rather than an operation. */
export function isRowProblem(value: Operation | RowProblem): value is RowProblem {
  return 'reason' in value && !('type' in value);
}
