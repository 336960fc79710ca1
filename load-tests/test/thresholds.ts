/**
 * Judges a script's `options.thresholds` on what it recorded under the stubs, the way k6 does at the end
 * of a run: a Counter's `count`, a Rate's `rate` (NaN without samples, which fails every comparison, as in
 * k6 ≥ 0.38), a Trend's percentiles (0 without samples — which is why a latency threshold alone passes
 * against a dead target). Built-in metrics are fed from the stubs: `http_reqs` and `http_req_failed` from
 * the answered statuses (failed = not 200–399, as k6's default `responseCallback`), `checks` from `check`,
 * `dropped_iterations` from what the test says was dropped.
 */
import type * as Http from './k6/http.ts';
import type * as K6 from './k6/k6.ts';
import type * as Metrics from './k6/metrics.ts';

/** One threshold expression and its verdict. */
export interface Verdict {
  readonly metric: string;
  readonly expression: string;
  readonly value: number;
  readonly ok: boolean;
}

type Series = { readonly kind: Metrics.MetricKind; readonly values: readonly number[] };

export function judge(thresholds: Record<string, readonly unknown[]>, stubs: { http: typeof Http; k6: typeof K6; metrics: typeof Metrics }, dropped = 0): Verdict[] {
  const series = (name: string): Series => {
    if (name === 'http_reqs') return { kind: 'counter', values: stubs.http.statuses.map(() => 1) };
    if (name === 'http_req_failed') return { kind: 'rate', values: stubs.http.statuses.map((status) => (status >= 200 && status < 400 ? 0 : 1)) };
    if (name === 'checks') return { kind: 'rate', values: stubs.k6.checkResults.map(Number) };
    if (name === 'dropped_iterations') return { kind: 'counter', values: dropped > 0 ? [dropped] : [] };
    const kind = stubs.metrics.kinds.get(name);
    if (!kind) throw new Error(`threshold on a metric the script never created: ${name}`);
    return { kind, values: (stubs.metrics.samples.get(name) ?? []).map((sample) => sample.value) };
  };
  return Object.entries(thresholds).flatMap(([metric, expressions]) =>
    expressions.map((expression) => {
      const text = typeof expression === 'string' ? expression : (expression as { threshold: string }).threshold;
      const match = /^\s*(count|rate|avg|min|max|med|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|==|===|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
      if (!match) throw new Error(`threshold not understood: ${metric} ${text}`);
      const value = aggregate(series(metric), match[1] as string, match[2]);
      return { metric, expression: text, value, ok: compare(value, match[3] as string, Number(match[4])) };
    }),
  );
}

function aggregate({ kind, values }: Series, aggregation: string, percentile: string | undefined): number {
  if (aggregation === 'count') return values.reduce((sum, value) => sum + value, 0);
  if (aggregation === 'rate') return kind === 'rate' ? values.filter((value) => value !== 0).length / values.length : NaN;
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  if (aggregation === 'avg') return values.reduce((sum, value) => sum + value, 0) / values.length;
  if (aggregation === 'min') return sorted[0] as number;
  if (aggregation === 'max') return sorted[sorted.length - 1] as number;
  const p = aggregation === 'med' ? 50 : Number(percentile);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '!=':
      return value !== bound;
    default:
      return value === bound;
  }
}
