import { describe, expect, it } from 'vitest';
import type * as Gateway from '../gateway.ts';
import { loadScript } from './loadScript.ts';

const load = (env: Record<string, string> = {}) => loadScript<typeof Gateway>('../gateway.ts', env);

describe('gateway.ts', () => {
  it('ramps to 1,000 identify + track iterations/s at the gateway, far above the workspace budget', async () => {
    const { script } = await load();
    expect(script.options.scenarios?.['gateway']).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 50, stages: [{ duration: '30s', target: 1_000 }, { duration: '60s', target: 1_000 }, { duration: '10s', target: 50 }] });
    // 50→1,000 over 30 s (15,750), 1,000 for 60 s (60,000), 1,000→50 over 10 s (5,250)
    expect(script.PLAN).toEqual({ iterations: 81_000, calls: 162_000 });
    expect(script.options.thresholds).toMatchObject({ identify_latency: ['p(95)<50', 'p(99)<200'], track_latency: ['p(95)<50', 'p(99)<200'], http_req_failed: ['rate<0.01'] });
  });

  it('aims at `pnpm gateway` on port 8080 unless BASE_URL says otherwise', async () => {
    const run = await load({ RUN_ID: 'g' });
    run.iterate(1, 0, (script) => script.default({ runId: 'g' }));
    expect(run.http.recorded.map((request) => `${request.method} ${request.url}`)).toEqual(['PUT http://127.0.0.1:8080/api/v1/customers/loadtest-g-1-0', 'POST http://127.0.0.1:8080/api/v1/customers/loadtest-g-1-0/events']);
  });

  it('leaves a JSON record and prints each threshold with its verdict', async () => {
    const { script } = await load({ SUMMARY_FILE: 'out/gateway.json' });
    const data = { metrics: { http_req_failed: { type: 'rate', values: { rate: 1, passes: 41, fails: 0 }, thresholds: { 'rate<0.01': { ok: false } } } }, state: { testRunDurationMs: 4_000 } };
    const outputs = script.handleSummary(data);
    expect(JSON.parse(outputs['out/gateway.json'] ?? '')).toEqual(data);
    expect(outputs['stdout']).toContain('gateway: FAILED (1 threshold) after 4.0 s');
    expect(outputs['stdout']).toContain('FAIL http_req_failed rate<0.01   (100.00 % of 41)');
  });
});
