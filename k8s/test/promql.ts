/**
 * PromQL as Prometheus reads it (the parser of Prometheus' own UI, @prometheus-io/lezer-promql) and
 * a worker's /metrics page as Prometheus scrapes it: which metric names an expression selects and
 * which labels it matches or groups by, so a test can hold both against what a live worker exports.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** Label names seen on each metric name of a Prometheus text page (`le` on histogram buckets included). */
export function exportedSeries(page: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of page.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]!) ?? new Set<string>();
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(label[1]!);
    series.set(match[1]!, labels);
  }
  return series;
}

/** What an expression refers to, or the offsets of its syntax errors. */
export interface ExpressionUse {
  readonly errors: readonly number[];
  /** Each selector's metric name with the labels its matchers name. */
  readonly selectors: readonly { readonly metric: string; readonly labels: readonly string[] }[];
  /** Labels of `by (…)`, `without (…)`, `on (…)` and `ignoring (…)`. */
  readonly grouping: readonly string[];
}

export function useOf(expression: string): ExpressionUse {
  const errors: number[] = [];
  const selectors: { metric: string; labels: string[] }[] = [];
  const grouping: string[] = [];
  const text = (from: number, to: number): string => expression.slice(from, to);
  parser.parse(expression).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const metric = node.node.getChild('Identifier');
        const labels = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher').flatMap((matcher) => {
          const name = matcher.getChild('LabelName');
          return name ? [text(name.from, name.to)] : [];
        }) ?? [];
        selectors.push({ metric: metric ? text(metric.from, metric.to) : '', labels });
      }
      if (node.name === 'GroupingLabels') for (const label of node.node.getChildren('LabelName')) grouping.push(text(label.from, label.to));
    },
  });
  return { errors, selectors, grouping };
}

/**
 * What is wrong with `expression` against `series`: syntax errors, metric names no worker exports,
 * labels a selected metric does not have, grouping labels none of its metrics has. [] when nothing is.
 */
export function problemsOf(expression: string, series: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const use = useOf(expression);
  const problems = use.errors.map((offset) => `syntax error at ${offset}: ${expression.slice(offset, offset + 20)}`);
  for (const selector of use.selectors) {
    const labels = series.get(selector.metric);
    if (!labels) problems.push(`no worker exports ${selector.metric || '(a selector without a metric name)'}`);
    else for (const label of selector.labels) if (!labels.has(label)) problems.push(`${selector.metric} has no label ${label}`);
  }
  const available = new Set(use.selectors.flatMap((selector) => [...(series.get(selector.metric) ?? [])]));
  for (const label of use.grouping) if (!available.has(label)) problems.push(`grouping by ${label}, which none of its metrics has`);
  return problems;
}
