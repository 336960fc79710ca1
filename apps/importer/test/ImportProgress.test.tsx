import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { eta, ImportProgress } from '../src/components/ImportProgress.js';
import type { ProgressSnapshot } from '../src/progress.js';

const snapshot: ProgressSnapshot = {
  elapsedMs: 10_000,
  rows: 250_000,
  delivered: 249_000,
  rejected: 12,
  failed: 0,
  skipped: 0,
  requests: 260,
  rateLimited: 3,
  retries: 4,
  valid: 0,
  budget: { rate: 50, ceiling: 100 },
  fractionRead: 0.25,
};

describe('ImportProgress', () => {
  it('shows throughput, the budget, outcomes, 429s, retries and the ETA', () => {
    const { lastFrame } = render(<ImportProgress notices={['⚠ embedded emulator']} snapshot={snapshot} rowsPerSecond={25_000} requestsPerSecond={26} />);
    const frame = lastFrame() ?? '';
    expect(frame).toContain('⚠ embedded emulator');
    expect(frame).toContain('25,000 rows/s');
    expect(frame).toContain('26 of 100 budget (now 50)');
    expect(frame).toMatch(/rows 250,000/);
    expect(frame).toMatch(/rejected 12/);
    expect(frame).toMatch(/429s 3/);
    expect(frame).toMatch(/retries 4/);
    expect(frame).toMatch(/ETA 30 s/);
  });

  it('shows only the notices before the first snapshot', () => {
    const { lastFrame } = render(<ImportProgress notices={['starting']} snapshot={undefined} rowsPerSecond={0} requestsPerSecond={0} />);
    expect(lastFrame()?.trim()).toBe('starting');
  });
});

describe('eta', () => {
  it('extrapolates from the share of the file read', () => {
    expect(eta({ ...snapshot, elapsedMs: 60_000, fractionRead: 0.5 })).toBe('1 min 0 s');
    expect(eta({ ...snapshot, fractionRead: 0 })).toBe('…');
    expect(eta({ ...snapshot, fractionRead: 1 })).toBe('finishing');
  });
});
