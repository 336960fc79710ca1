/**
 * The brief's Track API scenario: every iteration identifies one new test person, then tracks an
 * event for it, over v1 — the per-person calls an app makes without cioscale's batching.
 *
 *   k6 run load-tests/track-api.ts                      # against `pnpm emulator` (http://127.0.0.1:4100)
 *   k6 run -e LOAD_SCALE=0.1 load-tests/track-api.ts    # 10 % of every rate: the first run on a new target
 *
 * At its peak the scenario makes 80 iterations/s = 160 requests/s, above the 100 req/s budget the
 * brief plans with, so start the emulator with `--rate 200` (or lower LOAD_SCALE) unless the point of
 * the run is to watch 429s. See README.md before pointing it at a staging workspace.
 */
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { trackHeaders } from './lib/auth.ts';
import { assertSafeTarget, readConfig, scaled } from './lib/config.ts';
import { recordCall } from './lib/record.ts';
import { summaryOutputs } from './lib/summary.ts';
import { plannedIterations, verdictThresholds } from './lib/verdict.ts';
import type { RunData } from './lib/testUsers.ts';
import { RUN_ATTRIBUTE, cleanupInstructions, startRun, testUserEmail, testUserId } from './lib/testUsers.ts';

const config = readConfig(__ENV);
const headers = trackHeaders(config);

/** Iterations per second at each point of the run, before LOAD_SCALE. */
export const RATES = { start: 10, ramp: 50, peak: 80, cooldown: 10 } as const;

const START_RATE = scaled(RATES.start, config.scale);
const STAGES = [
  { duration: '30s', target: scaled(RATES.ramp, config.scale) },
  // A short step up to the peak, so "hold 80/s" really holds 80/s for the whole minute.
  { duration: '10s', target: scaled(RATES.peak, config.scale) },
  { duration: '60s', target: scaled(RATES.peak, config.scale) },
  { duration: '30s', target: scaled(RATES.cooldown, config.scale) },
];
/** What the run plans: its iterations, and two calls in each. */
export const PLAN = { iterations: plannedIterations(START_RATE, STAGES), calls: 2 * plannedIterations(START_RATE, STAGES) };

export const options: Options = {
  scenarios: {
    track_api: {
      executor: 'ramping-arrival-rate',
      startRate: START_RATE,
      timeUnit: '1s',
      stages: STAGES,
      // An arrival-rate executor needs rate × iteration time VUs; 2 calls of up to ~1 s at 80/s.
      preAllocatedVUs: scaled(100, config.scale),
      maxVUs: scaled(400, config.scale),
    },
  },
  // shares and plan-relative counts (lib/verdict.ts): a run against a dead target fails
  thresholds: verdictThresholds(PLAN, {
    identify_latency: ['p(95)<500', 'p(99)<2000'],
    track_latency: ['p(95)<500', 'p(99)<2000'],
  }),
};

const identifyLatency = new Trend('identify_latency', true);
const trackLatency = new Trend('track_latency', true);
const successful = new Counter('successful_calls');
const errors = new Counter('errors');
const rateLimited = new Rate('rate_limited');

export function setup(): RunData {
  assertSafeTarget(config);
  // a sample at once, so the minimum-work threshold is judged even if no call ever succeeds
  successful.add(0);
  return startRun(__ENV, Date.now());
}

export default function (data: RunData): void {
  const userId = testUserId(data.runId, __VU, __ITER);
  const path = `${config.baseUrl}/api/v1/customers/${encodeURIComponent(userId)}`;
  // One `name` tag per call: without it k6 keeps a time series per URL, one per test person.
  const identify = http.put(
    path,
    JSON.stringify({ email: testUserEmail(userId), created_at: Math.floor(Date.now() / 1000), [RUN_ATTRIBUTE]: data.runId }),
    { headers, tags: { name: 'identify' } },
  );
  // A failed identify is already this iteration's error; its event would only add load to a
  // target that is refusing requests.
  if (!recordCall('identify', identify, { latency: identifyLatency, successful, errors, rateLimited })) return;

  const track = http.post(
    `${path}/events`,
    JSON.stringify({ name: 'load_test_event', data: { [RUN_ATTRIBUTE]: data.runId, iteration: __ITER } }),
    { headers, tags: { name: 'track' } },
  );
  recordCall('track', track, { latency: trackLatency, successful, errors, rateLimited });
}

export function teardown(data: RunData): void {
  console.log(cleanupInstructions(config, data.runId));
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[2]): Record<string, string> {
  return summaryOutputs('track-api', __ENV, data);
}
