/**
 * v2 batches at the configured budget: every iteration sends one `/api/v2/batch` request of
 * BATCH_OPERATIONS operations (identify + event per test person), at CIO_RATE_LIMIT requests per
 * second — the load the worker fleet puts on a workspace when its queue is full.
 *
 *   k6 run load-tests/batch-api.ts                                   # 100 req/s for 2 min at `pnpm emulator`
 *   k6 run -e CIO_RATE_LIMIT=100 -e LOAD_SCALE=0.1 load-tests/batch-api.ts
 *
 * The 429 threshold is the point: at the budget the workspace grants, almost nothing may be refused.
 */
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { trackHeaders } from './lib/auth.ts';
import { MAX_BATCH_BYTES, asciiBytes, batchBody } from './lib/batch.ts';
import { readConfig, scaled } from './lib/config.ts';
import { scriptLifecycle } from './lib/lifecycle.ts';
import { recordCall } from './lib/record.ts';
import { declareRunMetrics } from './lib/runMetrics.ts';
import type { RunData } from './lib/testUsers.ts';
import { seconds, verdictThresholds } from './lib/verdict.ts';

const config = readConfig(__ENV);
const headers = trackHeaders(config);

/** Requests per second: cioscale's default budget unless CIO_RATE_LIMIT says otherwise. */
export const BUDGET = positiveInteger('CIO_RATE_LIMIT', 100);
/** Operations per request: 500 operations of ~280 bytes make ~140 KB, well inside the 500 KB cap. */
export const BATCH_OPERATIONS = positiveInteger('BATCH_OPERATIONS', 500);
const DURATION = __ENV['DURATION'] ?? '2m';
const RATE = scaled(BUDGET, config.scale);
/** What the run plans: one batch request per iteration. */
export const PLAN = { iterations: Math.round(RATE * seconds(DURATION)), calls: Math.round(RATE * seconds(DURATION)) };

export const options: Options = {
  scenarios: {
    batch_api: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      // rate × latency VUs are busy at once; room for batches of up to ~2 s.
      preAllocatedVUs: scaled(BUDGET * 2, config.scale),
      maxVUs: scaled(BUDGET * 4, config.scale),
    },
  },
  // shares and plan-relative counts (lib/verdict.ts); fewer than 1 % 429s means the budget fits the workspace's limit
  thresholds: verdictThresholds(PLAN, {
    batch_latency: ['p(95)<1000', 'p(99)<3000'],
    // The generated people are valid, so a 207 naming refused operations is a bug in the test data.
    rejected_operations: ['count==0'],
  }),
};

const metrics = declareRunMetrics(['batch']);
const rejectedOperations = new Counter('rejected_operations');
const lifecycle = scriptLifecycle('batch-api', config, () => {
  metrics.seed();
  rejectedOperations.add(0);
});

export function setup(): RunData {
  const run = lifecycle.setup();
  const bytes = asciiBytes(batchBody(run.runId, 0, 0, BATCH_OPERATIONS, Math.floor(Date.now() / 1000)));
  if (bytes >= MAX_BATCH_BYTES) throw new Error(`BATCH_OPERATIONS=${BATCH_OPERATIONS} makes ${bytes}-byte requests; Customer.io refuses ${MAX_BATCH_BYTES} or more`);
  return run;
}

export const { teardown, handleSummary } = lifecycle;

export default function (data: RunData): void {
  const body = batchBody(data.runId, __VU, __ITER, BATCH_OPERATIONS, Math.floor(Date.now() / 1000));
  const response = http.post(`${config.baseUrl}/api/v2/batch`, body, { headers, tags: { name: 'batch' } });
  recordCall('batch', response, metrics.calls.batch, [200, 207]);
  if (response.status === 207) rejectedOperations.add(refusedCount(response.body));
}

/** How many operations a 207 answer refused: `{"errors":[{batch_index, reason, …}, …]}`. */
function refusedCount(body: unknown): number {
  if (typeof body !== 'string') return 1;
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? parsed.errors.length : 1;
  } catch {
    return 1;
  }
}

function positiveInteger(name: string, fallback: number): number {
  const text = __ENV[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${text}"`);
  return value;
}
