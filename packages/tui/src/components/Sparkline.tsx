import { Text } from 'ink';
import { sparklineText } from '../sparkline.js';

/** Props of {@link Sparkline}. */
export interface SparklineProps {
  /** The series, oldest first; only the last `width` values are drawn. */
  readonly values: readonly number[];
  /** Characters wide. @defaultValue 40 */
  readonly width?: number;
  /** Ink colour of the bars. @defaultValue 'cyan' */
  readonly color?: string;
}

/**
 * A one-line chart of a series, e.g. rows/s over the last minute.
 *
 * @example
 * <Sparkline values={throughputHistory} width={30} />
 */
export function Sparkline({ values, width = 40, color = 'cyan' }: SparklineProps) {
  return <Text color={color}>{sparklineText(values, width)}</Text>;
}
