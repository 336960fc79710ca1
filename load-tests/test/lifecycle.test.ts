/**
 * What every script exports from lib/lifecycle.ts and lib/runMetrics.ts, checked script by script: a
 * script wired to the shared lifecycle with the wrong name or without its seed would leave a record under
 * another file name, or a minimum-work threshold with no sample to judge.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScript } from './loadScript.ts';

interface Script {
  setup(): { runId: string };
  teardown(data: { runId: string }): void;
  handleSummary(data: { metrics: Record<string, never> }): Record<string, string>;
}

const SCRIPTS = [
  { file: '../track-api.ts', name: 'track-api', seeded: ['successful_calls'], trends: ['identify_latency', 'track_latency'] },
  { file: '../batch-api.ts', name: 'batch-api', seeded: ['successful_calls', 'rejected_operations'], trends: ['batch_latency'] },
  { file: '../gateway.ts', name: 'gateway', seeded: ['successful_calls'], trends: ['identify_latency', 'track_latency'] },
] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(SCRIPTS)('$name lifecycle', ({ file, name, seeded, trends }) => {
  it('declares the shared counters and its latency trends, and seeds the counted ones in setup', async () => {
    const run = await loadScript<Script>(file, { RUN_ID: 'life' });
    expect([...run.metrics.kinds.entries()].sort()).toEqual(
      [['errors', 'counter'], ['rate_limited', 'rate'], ['successful_calls', 'counter'], ...(name === 'batch-api' ? [['rejected_operations', 'counter']] : []), ...trends.map((trend) => [trend, 'trend'])].sort(),
    );
    expect(run.script.setup()).toEqual({ runId: 'life' });
    for (const counter of seeded) expect(run.metrics.samples.get(counter)).toEqual([{ value: 0, tags: {} }]);
  });

  it(`leaves its record in ${name}-summary.json unless SUMMARY_FILE names another, and prints the cleanup in teardown`, async () => {
    const run = await loadScript<Script>(file);
    expect(Object.keys(run.script.handleSummary({ metrics: {} }))).toEqual([`${name}-summary.json`, 'stdout']);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    run.script.teardown({ runId: 'xyz' });
    expect(String(log.mock.calls[0]?.[0])).toContain('/__emulator/reset');
  });
});
