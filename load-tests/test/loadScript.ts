/**
 * Loads a k6 script under Node the way k6 would start it: with `__ENV`, `__VU` and `__ITER` set as
 * globals and a fresh module registry, so module-level code (options, config) sees this test's env.
 */
import { vi } from 'vitest';
import type * as Http from './k6/http.ts';
import type * as K6 from './k6/k6.ts';
import type * as Metrics from './k6/metrics.ts';

type K6Globals = { __ENV: Record<string, string>; __VU: number; __ITER: number };

/** The stubs the script was loaded with, to queue answers and read what it recorded. */
export interface Loaded<Script> {
  readonly script: Script;
  readonly http: typeof Http;
  readonly metrics: typeof Metrics;
  readonly k6: typeof K6;
  /** Runs the default function as VU `vu` in its iteration `iteration`. */
  iterate(vu: number, iteration: number, run: (script: Script) => void): void;
}

export async function loadScript<Script>(path: string, env: Record<string, string> = {}): Promise<Loaded<Script>> {
  vi.resetModules();
  const globals = globalThis as unknown as K6Globals;
  globals.__ENV = { ...env };
  globals.__VU = 0;
  globals.__ITER = 0;
  const script = (await import(/* @vite-ignore */ path)) as Script;
  return {
    script,
    http: await import('./k6/http.ts'),
    metrics: await import('./k6/metrics.ts'),
    k6: await import('./k6/k6.ts'),
    iterate(vu, iteration, run) {
      globals.__VU = vu;
      globals.__ITER = iteration;
      run(script);
    },
  };
}
