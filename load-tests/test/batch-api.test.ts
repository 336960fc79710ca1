import { CUSTOMERIO_LIMITS, DEFAULT_MAX_BATCH_BYTES, utf8Bytes } from '@cioscale/core';
import type { EmulatorHandle } from '@cioscale/emulator';
import { startEmulator } from '@cioscale/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import type * as BatchApi from '../batch-api.ts';
import { MAX_BATCH_BYTES, asciiBytes, batchBody } from '../lib/batch.ts';
import { DEFAULT_BASE_URL } from '../lib/config.ts';
import { loadScript } from './loadScript.ts';
import { replay } from './replay.ts';

const load = (env: Record<string, string> = {}) => loadScript<typeof BatchApi>('../batch-api.ts', env);

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('batch-api.ts options', () => {
  it('sends one batch per iteration at the configured budget, 100 req/s by default', async () => {
    expect((await load()).script.options.scenarios?.['batch_api']).toMatchObject({ executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '2m' });
    const custom = await load({ CIO_RATE_LIMIT: '40', LOAD_SCALE: '0.5', DURATION: '30s' });
    expect(custom.script.options.scenarios?.['batch_api']).toMatchObject({ rate: 20, duration: '30s' });
  });

  it('holds the run to < 1 % 429s and failures, batch latency p95 < 1 s and p99 < 3 s, 90 % of the planned batches and no refused operation', async () => {
    expect((await load()).script.options.thresholds).toEqual({
      http_req_failed: ['rate<0.01'],
      checks: ['rate>0.99'],
      rate_limited: ['rate<0.01'],
      successful_calls: ['count>=10800'],
      dropped_iterations: ['count<=120'],
      batch_latency: ['p(95)<1000', 'p(99)<3000'],
      rejected_operations: ['count==0'],
    });
  });

  it('refuses a budget that is not a whole number, naming the variable', async () => {
    await expect(load({ CIO_RATE_LIMIT: '0' })).rejects.toThrow(/CIO_RATE_LIMIT/);
    await expect(load({ BATCH_OPERATIONS: '1.5' })).rejects.toThrow(/BATCH_OPERATIONS/);
  });
});

describe('batch-api.ts requests', () => {
  it('builds bodies of realistic size that fit what cioscale and Customer.io allow', () => {
    const body = batchBody('run1', 12, 3456, 500, 1_780_000_000);
    expect(asciiBytes(body)).toBe(utf8Bytes(body));
    expect(MAX_BATCH_BYTES).toBe(CUSTOMERIO_LIMITS.batchRequestBytes);
    // Realistic: far from a toy request, and still inside the worker's own batch cap.
    expect(utf8Bytes(body)).toBeGreaterThan(50_000);
    expect(utf8Bytes(body)).toBeLessThan(DEFAULT_MAX_BATCH_BYTES);
    expect((JSON.parse(body) as { batch: unknown[] }).batch).toHaveLength(500);
  });

  it('sends v2 batches the emulator applies in full', async () => {
    emulator = await startEmulator({ rate: 0 });
    const run = await load({ RUN_ID: 'b1', BATCH_OPERATIONS: '40' });
    const data = run.script.setup();
    run.iterate(1, 0, (script) => script.default(data));
    run.iterate(2, 0, (script) => script.default(data));
    expect(run.http.recorded.map((request) => `${request.method} ${request.url}`)).toEqual([`POST ${DEFAULT_BASE_URL}/api/v2/batch`, `POST ${DEFAULT_BASE_URL}/api/v2/batch`]);

    const answers = await replay(run.http.recorded, DEFAULT_BASE_URL, emulator.url);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(emulator.stats().sizes).toMatchObject({ people: 40, events: 40 });
    expect(emulator.person('loadtest-b1-2-0-19')).toMatchObject({ state: 'active', attributes: { load_test_run: 'b1', plan: 'free' } });
    expect(emulator.events({ name: 'load_test_purchase' })).toHaveLength(40);
  });

  it('counts operations refused in a 207 without calling the request an error', async () => {
    const run = await load();
    run.http.answerNext({ status: 207, body: JSON.stringify({ errors: [{ batch_index: 0 }, { batch_index: 3 }] }) });
    run.iterate(1, 0, (script) => script.default({ runId: 'r' }));
    expect(run.metrics.total('rejected_operations')).toBe(2);
    expect(run.metrics.total('errors')).toBe(0);
    expect(run.metrics.total('rate_limited')).toBe(0);
  });

  it('feeds the 429 rate with every answer, so its threshold is a share of all requests', async () => {
    const run = await load();
    run.http.answerNext({ status: 429 }, { status: 200 }, { status: 200 }, { status: 200 });
    for (let iteration = 0; iteration < 4; iteration++) run.iterate(1, iteration, (script) => script.default({ runId: 'r' }));
    expect(run.metrics.samples.get('rate_limited')?.map((sample) => sample.value)).toEqual([1, 0, 0, 0]);
    expect(run.metrics.total('errors')).toBe(1);
  });

  it('refuses in setup a BATCH_OPERATIONS whose requests Customer.io would refuse as too large', async () => {
    const run = await load({ BATCH_OPERATIONS: '5000' });
    expect(() => run.script.setup()).toThrow(/BATCH_OPERATIONS=5000 makes \d+-byte requests/);
  });
});
