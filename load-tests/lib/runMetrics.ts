/**
 * The metrics every script records its calls in, declared here once. k6 creates custom metrics only in the
 * init context; {@link declareRunMetrics} is called at a script's top level, which is that context. The
 * names are the ones lib/verdict.ts's thresholds read (`successful_calls`, `rate_limited`) and the
 * `<call>_latency` trends each script holds to its own percentiles.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { CallMetrics } from './record.ts';

/** A script's metrics: one latency trend per kind of call, and the counters every call shares. */
export interface RunMetrics<Call extends string> {
  /** What `recordCall` records each kind of call in. */
  readonly calls: Readonly<Record<Call, CallMetrics>>;
  /**
   * For `setup()`: a zero sample in `successful_calls`. Its threshold (a minimum of work done) is then
   * judged even if no call ever succeeds; k6 skips a threshold whose metric has no sample.
   */
  readonly seed: () => void;
}

/**
 * Declares the shared counters and one time trend per call, named `<call>_latency`.
 * @example const metrics = declareRunMetrics(['identify', 'track']); recordCall('identify', response, metrics.calls.identify);
 */
export function declareRunMetrics<const Call extends string>(calls: readonly Call[]): RunMetrics<Call> {
  const successful = new Counter('successful_calls');
  const errors = new Counter('errors');
  const rateLimited = new Rate('rate_limited');
  const byCall = {} as Record<Call, CallMetrics>;
  for (const call of calls) byCall[call] = { latency: new Trend(`${call}_latency`, true), successful, errors, rateLimited };
  return {
    calls: byCall,
    seed: () => successful.add(0),
  };
}
