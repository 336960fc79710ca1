import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { budgetCaption, eta, ImportProgress } from '../src/components/ImportProgress.js';
import { progressLine } from '../src/plainReporter.js';
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

describe('honest progress', () => {
  it('never shows more requests than the budget: a burst is called a burst', () => {
    expect(budgetCaption(23, { rate: 20, ceiling: 20 })).toBe('20 of 20 budget (now 20, burst)');
    expect(budgetCaption(19.6, { rate: 20, ceiling: 20 })).toBe('20 of 20 budget (now 20)');
  });

  it('counts delivered rows, not rows read, in the plain line and its rate', () => {
    const line = progressLine({ ...snapshot, rows: 2, delivered: 0, rejected: 0, fractionRead: 1, elapsedMs: 2000 });
    expect(line).toContain('delivered 0 of 2 read (100% of the file) · 0 rows/s');
  });

  it('estimates the time left from rows settled, so reading ahead does not make it run low', () => {
    // half the file read in 10 s, but only a tenth of it delivered: 90% of the rows are still to settle
    const early = { ...snapshot, elapsedMs: 10_000, rows: 50_000, delivered: 10_000, rejected: 0, fractionRead: 0.5 };
    expect(eta(early)).toBe('1 min 30 s');
  });
});
