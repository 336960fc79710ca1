/**
 * The thresholds that make a run's verdict mean something: a run that tested nothing fails.
 *
 * Found running the scripts under k6 v1.3.0 against a dead target: every request failed, yet every
 * threshold passed — a fixed error count let a short run of 41 failures out of 41 through, and latency
 * trends fed by failed answers showed p95 = 0. So every verdict is a share or is relative to the plan:
 * failed requests and failed checks as rates, latency of successful answers only, at least
 * {@link MIN_SUCCESS_SHARE} of the planned calls succeeded, and (almost) no dropped iteration.
 */
import type { Options } from 'k6/options';

/** Share of the planned calls that must have succeeded for the run to count. */
export const MIN_SUCCESS_SHARE = 0.9;
/** Largest share of failed requests (429s included) and of failed checks. */
export const MAX_FAILED_SHARE = 0.01;
/** Largest share of planned iterations k6 may drop (not enough VUs, a target too slow to keep the rate). */
export const MAX_DROPPED_SHARE = 0.01;

/** One stage of a ramping arrival rate: reach `target` iterations/s over `duration`. */
export interface Stage {
  readonly duration: string;
  readonly target: number;
}

/** Seconds of a k6 duration such as `30s`, `2m`, `1m30s`, `1h`. */
export function seconds(duration: string): number {
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(duration.trim());
  if (!parts || duration.trim() === '') throw new Error(`not a k6 duration: "${duration}" (use e.g. 30s, 2m, 1m30s)`);
  return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
}

/** Iterations a ramping arrival rate plans: each stage moves linearly from the previous rate to its target. */
export function plannedIterations(startRate: number, stages: readonly Stage[]): number {
  let rate = startRate;
  let total = 0;
  for (const stage of stages) {
    total += ((rate + stage.target) / 2) * seconds(stage.duration);
    rate = stage.target;
  }
  return Math.round(total);
}

/**
 * The verdict thresholds of a run planned to make `plannedCalls` calls in `iterations` iterations, plus
 * the script's own latency thresholds (on trends fed by successful answers only).
 */
export function verdictThresholds(plan: { readonly iterations: number; readonly calls: number }, latency: Record<string, string[]>): NonNullable<Options['thresholds']> {
  return {
    http_req_failed: [`rate<${MAX_FAILED_SHARE}`],
    checks: [`rate>${1 - MAX_FAILED_SHARE}`],
    rate_limited: [`rate<${MAX_FAILED_SHARE}`],
    successful_calls: [`count>=${Math.ceil(plan.calls * MIN_SUCCESS_SHARE)}`],
    dropped_iterations: [`count<=${Math.floor(plan.iterations * MAX_DROPPED_SHARE)}`],
    ...latency,
  };
}
