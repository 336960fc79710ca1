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
import type { Options } from 'k6/options';
import { trackHeaders } from './lib/auth.ts';
import { readConfig, scaled } from './lib/config.ts';
import { scriptLifecycle } from './lib/lifecycle.ts';
import { identifyThenTrack } from './lib/personCalls.ts';
import { declareRunMetrics } from './lib/runMetrics.ts';
import type { RunData } from './lib/testUsers.ts';
import { plannedIterations, verdictThresholds } from './lib/verdict.ts';

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

const metrics = declareRunMetrics(['identify', 'track']);

export const { setup, teardown, handleSummary } = scriptLifecycle('track-api', config, metrics.seed);

export default function (data: RunData): void {
  identifyThenTrack(config, headers, metrics, data, __VU, __ITER, () => ({ created_at: Math.floor(Date.now() / 1000) }));
}
