/**
 * Where a load test sends its requests and how hard, read once from k6's `__ENV` (`k6 run -e NAME=value`
 * or the process environment).
 *
 * The defaults point at `pnpm emulator` (port 4100, workspace `site:key`), so a first run on a new
 * machine loads the local emulator and nothing else.
 */

/** The origin `pnpm emulator` listens on by default; the Track API paths are appended to it. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:4100';
/** The emulator's default workspace credentials (`--workspace site:key`). */
export const DEFAULT_SITE_ID = 'site';
export const DEFAULT_API_KEY = 'key';

/** What a load test run needs to know. */
export interface LoadTestConfig {
  /** Origin of the Track API, without `/api/v1`: the emulator, or `https://track.customer.io` (`track-eu` in the EU). */
  readonly baseUrl: string;
  readonly siteId: string;
  readonly apiKey: string;
  /**
   * Multiplies every arrival rate of a scenario. The brief's checklist starts a new target at 10 %
   * (`LOAD_SCALE=0.1`) and raises it step by step. @defaultValue 1
   */
  readonly scale: number;
  /** Set to `staging` to allow a target other than this machine; see {@link assertSafeTarget}. */
  readonly target: string | undefined;
}

/** Reads the configuration; throws naming the variable when one is malformed. */
export function readConfig(env: { readonly [name: string]: string | undefined }): LoadTestConfig {
  const baseUrl = (env['BASE_URL'] ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(baseUrl)) {
    throw new Error(`BASE_URL must be an origin like ${DEFAULT_BASE_URL} (no path), got "${baseUrl}"`);
  }
  const scaleText = env['LOAD_SCALE'] ?? '1';
  const scale = Number(scaleText);
  if (scaleText.trim() === '' || !Number.isFinite(scale) || scale <= 0 || scale > 1) {
    throw new Error(`LOAD_SCALE must be a fraction of the scenario's rates in (0, 1], got "${scaleText}"`);
  }
  return {
    baseUrl,
    siteId: env['CUSTOMERIO_SITE_ID'] ?? DEFAULT_SITE_ID,
    apiKey: env['CUSTOMERIO_TRACK_API_KEY'] ?? DEFAULT_API_KEY,
    scale,
    target: env['LOAD_TEST_TARGET'],
  };
}

/** True for the loopback addresses a local emulator listens on. */
export function isLocal(baseUrl: string): boolean {
  const host = baseUrl.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Refuses a remote target unless the run says `LOAD_TEST_TARGET=staging`. A staging workspace and a
 * production one share the same URL, so only the person starting the run can tell them apart, and a
 * load test creates thousands of people and events that would reach real campaigns in production.
 */
export function assertSafeTarget(config: LoadTestConfig): void {
  if (isLocal(config.baseUrl) || config.target === 'staging') return;
  throw new Error(
    `refusing to load ${config.baseUrl}: only the local emulator or a staging workspace may be loaded. ` +
      'Set LOAD_TEST_TARGET=staging after checking that CUSTOMERIO_SITE_ID belongs to a staging workspace — never production.',
  );
}

/** An arrival rate scaled by `LOAD_SCALE`, never below one iteration per second. */
export function scaled(rate: number, scale: number): number {
  return Math.max(1, Math.round(rate * scale));
}
