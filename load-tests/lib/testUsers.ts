/**
 * Test people: every person a run creates carries the run's id in its identifier and in an attribute,
 * so the run can be found and deleted afterwards.
 */
import type { LoadTestConfig } from './config.ts';
import { isLocal } from './config.ts';

/** Prefix of every identifier a load test creates. */
export const TEST_USER_PREFIX = 'loadtest-';
/** Attribute set on every test person: the run that created it. */
export const RUN_ATTRIBUTE = 'load_test_run';

/** The data `setup()` hands to every iteration and to `teardown()`. */
export interface RunData {
  /** Short id of this run (`RUN_ID`, or the start time in base 36). */
  readonly runId: string;
}

/** Starts a run: its id comes from `RUN_ID` when given, so a rerun can reuse (and overwrite) its people. */
export function startRun(env: { readonly [name: string]: string | undefined }, now: number): RunData {
  const runId = env['RUN_ID'] ?? now.toString(36);
  if (!/^[a-z0-9-]{1,40}$/i.test(runId)) throw new Error(`RUN_ID must be 1-40 letters, digits or dashes, got "${runId}"`);
  return { runId };
}

/**
 * A person id unique within the run: a VU runs one iteration at a time and counts its own
 * iterations, so (VU, iteration) never repeats.
 */
export function testUserId(runId: string, vu: number, iteration: number): string {
  return `${TEST_USER_PREFIX}${runId}-${vu}-${iteration}`;
}

/** The email of a test person, on a domain reserved for examples so no message can ever be delivered. */
export function testUserEmail(userId: string): string {
  return `${userId}@example.com`;
}

/** What `teardown()` prints: how to remove the people this run created. */
export function cleanupInstructions(config: Pick<LoadTestConfig, 'baseUrl'>, runId: string): string {
  if (isLocal(config.baseUrl)) {
    return [
      `Load test run ${runId} wrote to the emulator at ${config.baseUrl}.`,
      `Clean up: stop the emulator (it keeps nothing on disk), or POST ${config.baseUrl}/__emulator/reset`,
    ].join('\n');
  }
  return [
    `Load test run ${runId} created people with ids ${TEST_USER_PREFIX}${runId}-* in the workspace at ${config.baseUrl}.`,
    'Clean up, so they stay out of segments, campaigns and billing:',
    `  1. In Customer.io, create a data-driven segment "${RUN_ATTRIBUTE} is equal to ${runId}".`,
    '  2. Check its size against the identify count k6 reported, then delete its people (People → select all → Delete),',
    '     or send a v2 batch of {"type":"person","action":"delete","identifiers":{"id":…}} operations for them.',
    '  3. Delete the segment. Events of deleted people go with them.',
  ].join('\n');
}
