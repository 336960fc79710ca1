export { Gauge, type GaugeProps } from './components/Gauge.js';
export { Sparkline, type SparklineProps } from './components/Sparkline.js';
export { StatTable, type Stat, type StatTableProps } from './components/StatTable.js';
export { useHistory } from './hooks/use-history.js';
export { sparklineText } from './sparkline.js';
export { DataTable, fitColumns, type DataColumn, type DataRow, type DataTableProps } from './components/DataTable.js';
export { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
