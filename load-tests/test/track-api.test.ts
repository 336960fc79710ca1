import type { EmulatorHandle } from '@cioscale/emulator';
import { startEmulator } from '@cioscale/emulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as TrackApi from '../track-api.ts';
import { DEFAULT_BASE_URL } from '../lib/config.ts';
import { loadScript } from './loadScript.ts';
import { replay } from './replay.ts';

const load = (env: Record<string, string> = {}) => loadScript<typeof TrackApi>('../track-api.ts', env);

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  vi.restoreAllMocks();
});

describe('track-api.ts options', () => {
  it('is the brief scenario: 10/s, ramp to 50/s over 30 s, hold 80/s for 60 s, cool down to 10/s', async () => {
    const { script } = await load();
    expect(script.options.scenarios?.['track_api']).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      stages: [
        { duration: '30s', target: 50 },
        { duration: '10s', target: 80 },
        { duration: '60s', target: 80 },
        { duration: '30s', target: 10 },
      ],
    });
  });

  it('holds both latency trends to p95 < 500 ms and p99 < 2 s, and the run to shares of failures and a minimum of work done', async () => {
    const { script } = await load();
    // 7,700 iterations planned (10→50 over 30 s, 50→80 over 10 s, 80 for 60 s, 80→10 over 30 s), two calls each
    expect(script.PLAN).toEqual({ iterations: 7_700, calls: 15_400 });
    expect(script.options.thresholds).toEqual({
      http_req_failed: ['rate<0.01'],
      checks: ['rate>0.99'],
      rate_limited: ['rate<0.01'],
      successful_calls: ['count>=13860'],
      dropped_iterations: ['count<=77'],
      identify_latency: ['p(95)<500', 'p(99)<2000'],
      track_latency: ['p(95)<500', 'p(99)<2000'],
    });
  });

  it('scales every rate by LOAD_SCALE, so a first run can start at 10 % of the target', async () => {
    const { script } = await load({ LOAD_SCALE: '0.1' });
    const scenario = script.options.scenarios?.['track_api'];
    expect(scenario).toMatchObject({ startRate: 1, stages: [{ target: 5 }, { target: 8 }, { target: 8 }, { target: 1 }] });
  });

  it('refuses a LOAD_SCALE outside (0, 1], naming the variable', async () => {
    await expect(load({ LOAD_SCALE: '2' })).rejects.toThrow(/LOAD_SCALE/);
    await expect(load({ LOAD_SCALE: 'x' })).rejects.toThrow(/LOAD_SCALE/);
  });
});

describe('track-api.ts iterations', () => {
  it('identifies a unique test person, then tracks an event for it, as requests the emulator accepts', async () => {
    emulator = await startEmulator({ rate: 0 });
    const run = await load({ RUN_ID: 'run1' });
    const data = run.script.setup();
    for (const [vu, iteration] of [[1, 0], [1, 1], [2, 0]] as const) run.iterate(vu, iteration, (script) => script.default(data));

    const requests = run.http.recorded;
    expect(requests.map((request) => `${request.method} ${request.tags['name']}`)).toEqual(['PUT identify', 'POST track', 'PUT identify', 'POST track', 'PUT identify', 'POST track']);
    expect(requests[0]?.url).toBe(`${DEFAULT_BASE_URL}/api/v1/customers/loadtest-run1-1-0`);
    expect(requests[0]?.headers['Authorization']).toBe(`Basic ${Buffer.from('site:key').toString('base64')}`);

    const answers = await replay(requests, DEFAULT_BASE_URL, emulator.url);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const id of ['loadtest-run1-1-0', 'loadtest-run1-1-1', 'loadtest-run1-2-0']) {
      expect(emulator.person(id)).toMatchObject({ state: 'active', attributes: { email: `${id}@example.com`, load_test_run: 'run1' } });
    }
    expect(emulator.events({ name: 'load_test_event' })).toHaveLength(3);
  });

  it('records each call in its own latency trend and no error when both succeed', async () => {
    const run = await load();
    run.iterate(1, 0, (script) => script.default({ runId: 'r' }));
    expect(run.metrics.samples.get('identify_latency')).toHaveLength(1);
    expect(run.metrics.samples.get('track_latency')).toHaveLength(1);
    expect(run.metrics.total('errors')).toBe(0);
  });

  it('counts a 429 on identify as an error and a rate-limited call, and skips that person’s event', async () => {
    const run = await load();
    run.http.answerNext({ status: 429 });
    run.iterate(1, 0, (script) => script.default({ runId: 'r' }));
    expect(run.http.recorded).toHaveLength(1);
    expect(run.metrics.total('errors')).toBe(1);
    expect(run.metrics.total('rate_limited')).toBe(1);
    // an instant refusal must not pull the latency percentiles down
    expect(run.metrics.samples.get('identify_latency')).toEqual([]);
    expect(run.metrics.total('successful_calls')).toBe(0);
    expect(run.k6.failedChecks).toEqual(['identify succeeded']);
  });

  it('counts a 500 on track as an error that is not a rate limit', async () => {
    const run = await load();
    run.http.answerNext({ status: 200 }, { status: 500 });
    run.iterate(1, 0, (script) => script.default({ runId: 'r' }));
    expect(run.metrics.total('errors')).toBe(1);
    expect(run.metrics.total('rate_limited')).toBe(0);
    expect(run.metrics.samples.get('errors')?.[0]?.tags).toEqual({ call: 'track', status: '500' });
  });
});

describe('track-api.ts setup and teardown', () => {
  it('refuses a remote BASE_URL unless the run declares LOAD_TEST_TARGET=staging', async () => {
    const remote = { BASE_URL: 'https://track.customer.io' };
    const refused = await load(remote);
    expect(() => refused.script.setup()).toThrow(/never production/);
    const allowed = await load({ ...remote, LOAD_TEST_TARGET: 'staging', RUN_ID: 'stage1' });
    expect(allowed.script.setup()).toEqual({ runId: 'stage1' });
  });

  it('says in teardown how to delete the people of this run from a staging workspace', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const run = await load({ BASE_URL: 'https://track-eu.customer.io', LOAD_TEST_TARGET: 'staging' });
    run.script.teardown({ runId: 'abc' });
    const text = String(log.mock.calls[0]?.[0]);
    expect(text).toContain('loadtest-abc-*');
    expect(text).toContain('load_test_run is equal to abc');
  });

  it('says in teardown that the emulator is cleaned by its reset endpoint', async () => {
    emulator = await startEmulator({ rate: 0 });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const run = await load({ BASE_URL: emulator.url });
    run.script.teardown({ runId: 'abc' });
    const resetUrl = /POST (\S+)/.exec(String(log.mock.calls[0]?.[0]))?.[1];
    expect(resetUrl).toBe(`${emulator.url}/__emulator/reset`);
    expect((await fetch(resetUrl ?? '', { method: 'POST' })).status).toBe(200);
  });
});
