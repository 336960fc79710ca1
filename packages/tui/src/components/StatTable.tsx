import { Box, Text } from 'ink';

/** One labelled figure of a {@link StatTable}. */
export interface Stat {
  readonly label: string;
  readonly value: string | number;
  /** Ink colour of the value, e.g. red for errors. */
  readonly color?: string;
}

/** Props of {@link StatTable}. */
export interface StatTableProps {
  readonly stats: readonly Stat[];
  /** Stats per row. @defaultValue 4 */
  readonly columns?: number;
}

/**
 * Labelled figures in a grid; numbers get thousands separators.
 *
 * @example
 * <StatTable stats={[{ label: 'rows', value: 1200 }, { label: '429s', value: 3, color: 'yellow' }]} />
 */
export function StatTable({ stats, columns = 4 }: StatTableProps) {
  const rows: Stat[][] = [];
  for (let i = 0; i < stats.length; i += columns) rows.push(stats.slice(i, i + columns));
  return (
    <Box flexDirection="column">
      {rows.map((row, index) => (
        <Box key={index} gap={3}>
          {row.map((stat) => (
            <Box key={stat.label} gap={1}>
              <Text dimColor>{stat.label}</Text>
              <Text bold {...(stat.color !== undefined && { color: stat.color })}>
                {typeof stat.value === 'number' ? stat.value.toLocaleString('en-US') : stat.value}
              </Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
