import { Box, Text } from 'ink';

/** One column of a {@link DataTable}. */
export interface DataColumn {
  readonly header: string;
  /** Numbers read best right-aligned. @defaultValue 'left' */
  readonly align?: 'left' | 'right';
  /**
   * Columns with a higher number are dropped first when the table does not fit `width`.
   * @defaultValue 0 (kept as long as possible)
   */
  readonly dropOrder?: number;
}

/** One row: a cell per column, and an optional colour or emphasis for the whole row. */
export interface DataRow {
  readonly key: string;
  readonly cells: readonly string[];
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
}

/** Props of {@link DataTable}. */
export interface DataTableProps {
  readonly columns: readonly DataColumn[];
  readonly rows: readonly DataRow[];
  /** Characters available; columns are dropped (by `dropOrder`) until the table fits. @defaultValue unlimited */
  readonly width?: number;
  /** Spaces between columns. @defaultValue 2 */
  readonly gap?: number;
  /** Shown instead of rows when there are none. */
  readonly empty?: string;
}

/**
 * A table sized to its content, with a dim header, that degrades on a narrow terminal by dropping the
 * least important columns rather than wrapping every line.
 *
 * @example
 * <DataTable columns={[{ header: 'id' }, { header: 'ops/s', align: 'right' }]} rows={[{ key: 'a', cells: ['w-1', '812'] }]} />
 */
export function DataTable({ columns, rows, width = Infinity, gap = 2, empty }: DataTableProps) {
  const shown = fitColumns(columns, rows, width, gap);
  const widthOf = (index: number): number => Math.max(columns[index]?.header.length ?? 0, ...rows.map((row) => (row.cells[index] ?? '').length));
  const line = (cells: readonly string[]): string =>
    shown
      .map((index) => {
        const text = cells[index] ?? '';
        return columns[index]?.align === 'right' ? text.padStart(widthOf(index)) : text.padEnd(widthOf(index));
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return (
    <Box flexDirection="column">
      <Text dimColor>{line(columns.map((column) => column.header))}</Text>
      {rows.length === 0 && empty !== undefined && <Text dimColor>{empty}</Text>}
      {rows.map((row) => (
        <Text key={row.key} bold={row.bold ?? false} dimColor={row.dim ?? false} {...(row.color !== undefined && { color: row.color })}>
          {line(row.cells)}
        </Text>
      ))}
    </Box>
  );
}

/** Indexes of the columns that fit in `width`, in their original order. */
export function fitColumns(columns: readonly DataColumn[], rows: readonly DataRow[], width: number, gap = 2): number[] {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => (row.cells[index] ?? '').length)));
  const kept = columns.map((_, index) => index);
  const total = (): number => kept.reduce((sum, index) => sum + (widths[index] ?? 0), 0) + gap * Math.max(0, kept.length - 1);
  while (kept.length > 1 && total() > width) {
    // drop the column with the highest dropOrder (the rightmost among equals)
    let drop = 0;
    for (let at = 1; at < kept.length; at++) {
      if ((columns[kept[at] as number]?.dropOrder ?? 0) >= (columns[kept[drop] as number]?.dropOrder ?? 0)) drop = at;
    }
    kept.splice(drop, 1);
  }
  return kept;
}
