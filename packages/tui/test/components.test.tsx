import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Gauge, Sparkline, StatTable, sparklineText, useHistory } from '../src/index.js';

describe('Sparkline', () => {
  it('scales bars to the largest value and keeps only the last `width` values', () => {
    expect(sparklineText([0, 5, 10])).toBe('▁▅█');
    const { lastFrame } = render(<Sparkline values={[100, 0, 7, 7, 14]} width={3} />);
    expect(lastFrame()).toBe('▅▅█');
  });

  it('draws a flat line for an empty or all-zero series', () => {
    expect(sparklineText([0, 0])).toBe('▁▁');
    expect(render(<Sparkline values={[]} />).lastFrame()).toBe('');
  });
});

describe('Gauge', () => {
  it('fills the bar in proportion to value/max and prints the figures', () => {
    const { lastFrame } = render(<Gauge label="req/s" value={50} max={100} width={10} />);
    expect(lastFrame()).toBe('req/s █████ ░░░░░ 50/100');
  });

  it('caps the bar at full', () => {
    expect(render(<Gauge label="x" value={500} max={100} width={4} caption="over" />).lastFrame()).toBe('x ████  over');
  });
});

describe('StatTable', () => {
  it('lays stats out in rows with thousands separators', () => {
    const { lastFrame } = render(
      <StatTable
        columns={2}
        stats={[
          { label: 'rows', value: 1_200_000 },
          { label: '429s', value: 3, color: 'yellow' },
          { label: 'eta', value: '12 s' },
        ]}
      />,
    );
    expect(lastFrame()).toBe('rows 1,200,000   429s 3\neta 12 s');
  });
});

function History({ value, at }: { readonly value: number; readonly at: number }) {
  return <Text>{useHistory(value, at, 3).join(',')}</Text>;
}

describe('useHistory', () => {
  it('appends once per key and keeps the last `size` values', () => {
    const view = render(<History value={1} at={1} />);
    view.rerender(<History value={1} at={1} />);
    view.rerender(<History value={2} at={2} />);
    view.rerender(<History value={3} at={3} />);
    view.rerender(<History value={4} at={4} />);
    expect(view.lastFrame()).toBe('2,3,4');
  });
});
