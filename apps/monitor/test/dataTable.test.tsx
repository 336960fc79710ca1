// Tests of the @cioscale/tui pieces the monitor added (DataTable, useTerminalSize); they live here so the
// tui package's own test file stays its author's.
import { DataTable, fitColumns, useTerminalSize } from '@cioscale/tui';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { plain } from './support/views.js';

const columns = [{ header: 'id' }, { header: 'host', dropOrder: 2 }, { header: 'ops/s', align: 'right' as const }, { header: 'note', dropOrder: 1 }];
const rows = [
  { key: 'a', cells: ['w-1', 'alpha', '812', 'fine'] },
  { key: 'b', cells: ['w-22', 'b', '7', 'slow'] },
];

describe('DataTable', () => {
  it('pads columns to their widest cell and right-aligns numbers', () => {
    expect(plain(render(<DataTable columns={columns} rows={rows} />).lastFrame())).toBe(['id    host   ops/s  note', 'w-1   alpha    812  fine', 'w-22  b          7  slow'].join('\n'));
  });

  it('drops the columns with the highest dropOrder until it fits', () => {
    expect(fitColumns(columns, rows, 24)).toEqual([0, 1, 2, 3]);
    expect(fitColumns(columns, rows, 18)).toEqual([0, 2, 3]);
    expect(fitColumns(columns, rows, 12)).toEqual([0, 2]);
    expect(plain(render(<DataTable columns={columns} rows={rows} width={12} />).lastFrame())).toBe(['id    ops/s', 'w-1     812', 'w-22      7'].join('\n'));
  });

  it('says so when there are no rows', () => {
    expect(plain(render(<DataTable columns={columns} rows={[]} empty="nobody" />).lastFrame())).toBe('id  host  ops/s  note\nnobody');
  });
});

function Size() {
  const { columns: width, rows: height } = useTerminalSize();
  return <Text>{`${width}x${height}`}</Text>;
}

describe('useTerminalSize', () => {
  it('follows the terminal when it is resized', async () => {
    const app = render(<Size />);
    expect(app.lastFrame()).toBe('100x24');
    // the fake stdout's size is a getter: redefine it, as a terminal resize would change it
    Object.defineProperty(app.stdout, 'columns', { value: 60, configurable: true });
    app.stdout.emit('resize');
    await new Promise((resolve) => setImmediate(resolve));
    expect(app.lastFrame()).toBe('60x24');
  });
});
