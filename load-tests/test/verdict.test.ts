/**
 * Each script's verdict, judged as k6 would on a run replayed under the stubs: against a dead target it
 * fails, against a healthy emulator it passes. The runs are the scripts' own plans at a small LOAD_SCALE,
 * iteration for iteration.
 */
import { freePort } from '@cioscale/test-support';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL } from '../lib/config.ts';
import type { Options } from 'k6/options';
import { loadScript, type Loaded } from './loadScript.ts';
import { replay } from './replay.ts';
import { judge, type Verdict } from './thresholds.ts';

interface Script {
  readonly options: Options;
  readonly PLAN: { readonly iterations: number; readonly calls: number };
  setup(): { runId: string };
  default(data: { runId: string }): void;
}

const SCRIPTS = [
  { file: '../track-api.ts', origin: DEFAULT_BASE_URL, env: { LOAD_SCALE: '0.05' } },
  { file: '../batch-api.ts', origin: DEFAULT_BASE_URL, env: { LOAD_SCALE: '0.1', DURATION: '10s', BATCH_OPERATIONS: '10' } },
  { file: '../gateway.ts', origin: 'http://127.0.0.1:8080', env: { LOAD_SCALE: '0.005' } },
] as const;

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ rate: 0 });
});
afterAll(async () => {
  await emulator.close();
});

/** Runs the script's planned iterations (10 VUs taking turns), then judges its thresholds. */
function run(loaded: Loaded<Script>): Verdict[] {
  const data = loaded.script.setup();
  for (let index = 0; index < loaded.script.PLAN.iterations; index++) loaded.iterate(1 + (index % 10), Math.floor(index / 10), (script) => script.default(data));
  return judge(loaded.script.options.thresholds as Record<string, unknown[]>, loaded);
}

const failed = (verdicts: readonly Verdict[]): string[] => verdicts.filter((verdict) => !verdict.ok).map((verdict) => `${verdict.metric} ${verdict.expression}`);

describe.each(SCRIPTS)('$file verdict', ({ file, origin, env }) => {
  it('fails against a dead target, on the share of failed requests and checks and on the work done', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const loaded = await loadScript<Script>(file, { ...env, BASE_URL: closed, RUN_ID: 'dead' });
    // what k6 sees from a port nobody listens on
    const [refused] = await replay([{ method: 'PUT', url: `${closed}/api/v1/customers/x`, body: '{}', headers: {}, tags: {} }], closed, closed);
    loaded.http.answerWith(() => ({ status: refused?.status ?? -1 }));
    const verdicts = run(loaded);
    expect(refused?.status).toBe(0);
    expect(failed(verdicts)).toEqual(expect.arrayContaining(['http_req_failed rate<0.01', 'checks rate>0.99', expect.stringMatching(/^successful_calls count>=\d+$/)]));
    // the latency trends alone would have passed: they only hold successful answers, and there were none
    expect(verdicts.filter((verdict) => verdict.metric.endsWith('_latency')).every((verdict) => verdict.ok && verdict.value === 0)).toBe(true);
  });

  it('passes against a healthy emulator, every request replayed and answered by it', async () => {
    emulator.reset();
    const recording = await loadScript<Script>(file, { ...env, RUN_ID: 'healthy' });
    run(recording);
    const requests = recording.http.recorded;
    const answers = await replay(requests, origin, emulator.url, 16);
    // the same iterations again, each request answered as the emulator answered it (bodies carry the time: match by order and URL)
    const loaded = await loadScript<Script>(file, { ...env, RUN_ID: 'healthy' });
    let next = 0;
    loaded.http.answerWith((request) => (requests[next]?.url === request.url ? (answers[next++] ?? { status: -1 }) : { status: -1 }));
    const verdicts = run(loaded);
    expect(failed(verdicts)).toEqual([]);
    expect(loaded.http.statuses.length).toBe(loaded.script.PLAN.calls);
    expect(emulator.stats().statuses).toEqual({ '200': loaded.script.PLAN.calls });
  }, 60_000);
});
