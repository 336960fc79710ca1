import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ImportProgress } from '../src/components/ImportProgress.js';
import { progressLine } from '../src/plainReporter.js';
import type { ProgressSnapshot } from '../src/progress.js';

const snapshot: ProgressSnapshot = {
  elapsedMs: 10_000,
  rows: 1_000,
  delivered: 900,
  rejected: 0,
  failed: 0,
  skipped: 0,
  requests: 9,
  rateLimited: 0,
  retries: 0,
  valid: 0,
  budget: { rate: 100, ceiling: 100 },
  fractionRead: 0.5,
};

describe('a bulk run paused from the monitor', () => {
  it('says paused in the live view and in the plain progress line, and not when running', () => {
    const paused = render(<ImportProgress notices={[]} snapshot={{ ...snapshot, paused: true }} rowsPerSecond={0} requestsPerSecond={0} />);
    expect(paused.lastFrame()).toContain('paused');
    const running = render(<ImportProgress notices={[]} snapshot={{ ...snapshot, paused: false }} rowsPerSecond={90} requestsPerSecond={1} />);
    expect(running.lastFrame()).not.toContain('paused');
    expect(progressLine({ ...snapshot, paused: true })).toMatch(/^paused · 10\.0 s · delivered 900/);
    expect(progressLine(snapshot)).toMatch(/^10\.0 s/);
  });
});
