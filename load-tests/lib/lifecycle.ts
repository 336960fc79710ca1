/**
 * The `setup`, `teardown` and `handleSummary` every script exports, written once. A script re-exports them
 * (`export const { setup, teardown, handleSummary } = scriptLifecycle(…)`); k6 looks them up by name among
 * the script's exports.
 */
import type { LoadTestConfig } from './config.ts';
import { assertSafeTarget } from './config.ts';
import { summaryOutputs, type SummaryData } from './summary.ts';
import type { RunData } from './testUsers.ts';
import { cleanupInstructions, startRun } from './testUsers.ts';

/** A script's lifecycle functions. */
export interface ScriptLifecycle {
  /** Refuses a remote target the run did not declare as staging, seeds the verdict's counters, names the run. */
  readonly setup: () => RunData;
  /** Prints how to delete this run's test people from where they were sent. */
  readonly teardown: (data: RunData) => void;
  /** Leaves the run's record (JSON in `SUMMARY_FILE`) and prints each threshold's verdict (lib/summary.ts). */
  readonly handleSummary: (data: SummaryData) => Record<string, string>;
}

/**
 * The lifecycle of the script named `script` (the record's default file name is `<script>-summary.json`).
 * `seed` puts the zero samples in the counters its thresholds count (`RunMetrics.seed`, and any counter of
 * the script's own).
 */
export function scriptLifecycle(script: string, config: LoadTestConfig, seed: () => void): ScriptLifecycle {
  return {
    setup: () => {
      assertSafeTarget(config);
      seed();
      return startRun(__ENV, Date.now());
    },
    teardown: (data) => console.log(cleanupInstructions(config, data.runId)),
    handleSummary: (data) => summaryOutputs(script, __ENV, data),
  };
}
