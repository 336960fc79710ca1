import { identify, type Attributes, type AttributeValue, type Operation, type PersonIdentifiers } from '@cioscale/core';
import { CellError, convertCell, toUnixSeconds } from './convert.js';
import { MissingColumnError } from './errors.js';
import type { ColumnType, Mapping } from './mapping.js';

/** The column the failed-rows file adds; ignored when such a file is imported again. */
export const ERROR_COLUMN = 'cioscale_error';

/** A row that cannot become an operation, and why. */
export interface RowProblem {
  readonly reason: string;
  readonly message: string;
}

/** Turns one CSV record (cells in header order) into an operation, or says why it cannot. */
export type RowMapper = (cells: readonly string[]) => Operation | RowProblem;

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
 */
export function createRowMapper(header: readonly string[], mapping: Mapping, idColumn: string): RowMapper {
  const indexOf = (column: string, what: string): number => {
    const index = header.indexOf(column);
    if (index < 0) throw new MissingColumnError(`${what} column "${column}" is not in the header (${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
    return index;
  };
  const width = header.length;
  const wrongWidth = (cells: readonly string[]): RowProblem | undefined =>
    cells.length === width ? undefined : { reason: 'column_count', message: `row has ${cells.length} columns; the header has ${width}` };

  if (mapping.kind === 'events') {
    const { event } = mapping;
    const person = indexOf(event.person, 'event person');
    const name = indexOf(event.name, 'event name');
    const timestamp = header.indexOf(event.timestamp);
    const data = attributeColumns(header, mapping, new Set([person, name, timestamp]));
    return (cells) => {
      const problem = wrongWidth(cells);
      if (problem) return problem;
      const who = cells[person] ?? '';
      if (who === '') return { reason: 'missing_identifier', message: `column "${event.person}" is empty` };
      const eventName = cells[name] ?? '';
      if (eventName === '') return { reason: 'event_name_missing', message: `column "${event.name}" is empty` };
      try {
        const when = timestamp >= 0 && cells[timestamp] !== '' ? toUnixSeconds(cells[timestamp] ?? '', event.timestamp) : undefined;
        const attributes = attributesOf(cells, data);
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
    };
  }

  const id = indexOf(idColumn, '--id-column');
  const byEmail = idColumn.toLowerCase() === 'email';
  // identifying by email keeps `email` as an attribute too: Customer.io sends email to that attribute
  const attributes = attributeColumns(header, mapping, byEmail ? new Set() : new Set([id]));
  return (cells) => {
    const problem = wrongWidth(cells);
    if (problem) return problem;
    const value = cells[id] ?? '';
    if (value === '') return { reason: 'missing_identifier', message: `column "${idColumn}" is empty` };
    const identifiers: PersonIdentifiers = byEmail ? { email: value } : { id: value };
    try {
      return identify(identifiers, attributesOf(cells, attributes));
    } catch (error) {
      return cellProblem(error);
    }
  };
}

function attributeColumns(header: readonly string[], mapping: Mapping, taken: ReadonlySet<number>): AttributeColumn[] {
  const ignored = new Set([...mapping.ignore, ERROR_COLUMN]);
  const columns: AttributeColumn[] = [];
  header.forEach((column, index) => {
    if (taken.has(index) || ignored.has(column) || column === '') return;
    const name = mapping.rename[column] ?? column;
    const type = mapping.types[column] ?? (name === 'created_at' ? 'timestamp' : 'auto');
    columns.push({ index, column, name, type });
  });
  return columns;
}

/** Attributes of the non-empty cells; empty cells are left out, never sent as "". */
function attributesOf(cells: readonly string[], columns: readonly AttributeColumn[]): Attributes | undefined {
  let attributes: Record<string, AttributeValue> | undefined;
  for (const { index, column, name, type } of columns) {
    const text = cells[index];
    if (text === undefined || text === '') continue;
    (attributes ??= {})[name] = convertCell(text, type, column);
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
