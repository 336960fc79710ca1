/**
 * The brief's scenario aimed at the cioscale gateway (apps/gateway): every iteration identifies one new
 * test person, then tracks an event for it, over v1 — at rates far above the workspace budget, which the
 * gateway absorbs into the queue while the workers deliver at the budget.
 *
 *   pnpm gateway                                         # listens on :8080 (see load-tests/README.md for the whole chain)
 *   k6 run load-tests/gateway.ts                         # ramps to 1,000 iterations/s = 2,000 calls/s
 *   k6 run -e LOAD_SCALE=0.1 load-tests/gateway.ts       # 10 % of every rate
 *
 * A 429 from the gateway means its backlog limit (GATEWAY_MAX_BACKLOG) was reached: the run fails on
 * `http_req_failed` and `rate_limited`, so raise the limit or lower the rate to measure the gateway itself.
 */
import type { Options } from 'k6/options';
import { trackHeaders } from './lib/auth.ts';
import { readConfig, scaled } from './lib/config.ts';
import { scriptLifecycle } from './lib/lifecycle.ts';
import { identifyThenTrack } from './lib/personCalls.ts';
import { declareRunMetrics } from './lib/runMetrics.ts';
import type { RunData } from './lib/testUsers.ts';
import { plannedIterations, verdictThresholds } from './lib/verdict.ts';

/** Where `pnpm gateway` listens by default (PORT=8080). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

const config = readConfig({ BASE_URL: DEFAULT_GATEWAY_URL, ...__ENV });
const headers = trackHeaders(config);

/** Iterations per second at each point of the run, before LOAD_SCALE. */
export const RATES = { start: 50, peak: 1_000 } as const;

const START_RATE = scaled(RATES.start, config.scale);
const STAGES = [
  { duration: '30s', target: scaled(RATES.peak, config.scale) },
  { duration: '60s', target: scaled(RATES.peak, config.scale) },
  { duration: '10s', target: scaled(RATES.start, config.scale) },
];
/** What the run plans: its iterations, and two calls in each. */
export const PLAN = { iterations: plannedIterations(START_RATE, STAGES), calls: 2 * plannedIterations(START_RATE, STAGES) };

export const options: Options = {
  scenarios: {
    gateway: {
      executor: 'ramping-arrival-rate',
      startRate: START_RATE,
      timeUnit: '1s',
      stages: STAGES,
      // rate × iteration time VUs: 2 calls of a few ms at 1,000/s need tens; room for a slow moment
      preAllocatedVUs: scaled(100, config.scale),
      maxVUs: scaled(1_000, config.scale),
    },
  },
  // The gateway answers once Redis has the call: it should be far quicker than Customer.io itself.
  thresholds: verdictThresholds(PLAN, {
    identify_latency: ['p(95)<50', 'p(99)<200'],
    track_latency: ['p(95)<50', 'p(99)<200'],
  }),
};

const metrics = declareRunMetrics(['identify', 'track']);

export const { setup, teardown, handleSummary } = scriptLifecycle('gateway', config, metrics.seed);

export default function (data: RunData): void {
  identifyThenTrack(config, headers, metrics, data, __VU, __ITER);
}
