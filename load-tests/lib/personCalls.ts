/**
 * The iteration of the per-person scripts (track-api.ts, gateway.ts): identify one new test person, then
 * track an event for it, over v1, as an app calls Customer.io without cioscale's batching.
 */
import http from 'k6/http';
import type { LoadTestConfig } from './config.ts';
import { recordCall } from './record.ts';
import type { RunMetrics } from './runMetrics.ts';
import { RUN_ATTRIBUTE, testUserEmail, testUserId, type RunData } from './testUsers.ts';

/**
 * One iteration for VU `vu` in its iteration `iteration`. `traits` adds attributes to the identify
 * (besides the email and the run's marker). A failed identify ends the iteration: it is already the
 * iteration's error, and its event would only add load to a target that is refusing requests.
 */
export function identifyThenTrack(
  config: Pick<LoadTestConfig, 'baseUrl'>,
  headers: Record<string, string>,
  metrics: RunMetrics<'identify' | 'track'>,
  data: RunData,
  vu: number,
  iteration: number,
  traits: () => Record<string, unknown> = () => ({}),
): void {
  const userId = testUserId(data.runId, vu, iteration);
  const path = `${config.baseUrl}/api/v1/customers/${encodeURIComponent(userId)}`;
  // One `name` tag per call: without it k6 keeps a time series per URL, one per test person.
  const identify = http.put(path, JSON.stringify({ email: testUserEmail(userId), ...traits(), [RUN_ATTRIBUTE]: data.runId }), { headers, tags: { name: 'identify' } });
  if (!recordCall('identify', identify, metrics.calls.identify)) return;
  const track = http.post(`${path}/events`, JSON.stringify({ name: 'load_test_event', data: { [RUN_ATTRIBUTE]: data.runId, iteration } }), { headers, tags: { name: 'track' } });
  recordCall('track', track, metrics.calls.track);
}
