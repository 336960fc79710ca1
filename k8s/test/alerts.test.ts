/**
 * The PrometheusRule and the Grafana dashboard against a live worker: every expression parses as
 * PromQL and names only metrics and labels that a real worker process, delivering through the
 * emulator, serves on /metrics. The rule validates against the Prometheus Operator's CRD schema, and
 * every alert has its runbook line in k8s/README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identify } from '@cioscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startStack, type Stack } from '@cioscale/worker/testing';
import { validate } from './models.js';
import { exportedSeries, problemsOf } from './promql.js';
import type { K8sObject } from './render.js';
import { K8S_DIR, one, render } from './render.js';

type Rule = { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const rule = one<K8sObject & { spec: { groups: { name: string; rules: Rule[] }[] } }>(render('base'), 'PrometheusRule');
const alerts = rule.spec.groups.flatMap((group) => group.rules);

interface Target { expr: string }
interface Panel { id: number; title: string; type: string; gridPos: { x: number; y: number; w: number; h: number }; datasource: { uid: string }; targets: Target[] }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string; query?: string | { query?: string } }[] } }
const dashboard = JSON.parse(readFileSync(join(K8S_DIR, 'dashboards', 'cioscale-worker.json'), 'utf8')) as Dashboard;
/** What Grafana substitutes before Prometheus sees a query. */
const interpolate = (expr: string): string => expr.replaceAll('$__rate_interval', '1m').replaceAll('$workspace', '.*');

let stack: Stack;
let series: Map<string, Set<string>>;

beforeAll(async () => {
  stack = await startStack();
  const [worker] = await stack.start(1);
  await stack.producer.enqueueMany([identify('alerts-1', { plan: 'pro' }), identify('alerts-2', { plan: 'free' })]);
  const deadline = Date.now() + 30_000;
  while (stack.emulator.stats('site').acceptedOperations < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  series = exportedSeries((await get(worker!, '/metrics')).body);
});
afterAll(async () => {
  await stack?.close();
});

describe('the live worker’s /metrics, as the checks read it', () => {
  it('has the series the alerts are about, with their labels', () => {
    expect([...(series.get('cioscale_queue_jobs') ?? [])].sort()).toEqual(['shard', 'state', 'workspace']);
    expect(series.get('cioscale_request_duration_seconds_bucket')?.has('le')).toBe(true);
  });

  it('finds what is wrong with an expression', () => {
    expect(problemsOf('sum by (pod) (rate(cioscale_operations_total{result="ok"}[5m])) / cioscale_missing_total', series)).toEqual([
      'cioscale_operations_total has no label result',
      'no worker exports cioscale_missing_total',
      'grouping by pod, which none of its metrics has',
    ]);
    expect(problemsOf('sum by (workspace (rate(cioscale_requests_total[5m]))', series)[0]).toMatch(/^syntax error/);
  });
});

describe('the PrometheusRule', () => {
  it('validates against the Prometheus Operator’s schema', () => {
    expect(() => validate(rule)).not.toThrow();
  });

  it('alerts on what a queue’s operators watch', () => {
    expect(alerts.map((alert) => alert.alert).sort()).toEqual([
      'CioscaleBacklogGrowing',
      'CioscaleBudgetSaturated',
      'CioscaleDeadLettersGrowing',
      'CioscaleDrainTooSlow',
      'CioscaleNoLiveWorkers',
      'CioscaleRateLimited',
      'CioscaleRejectedShareHigh',
    ]);
  });

  it.each(alerts.map((alert) => [alert.alert, alert.expr] as const))('%s parses and names only what a live worker exports', (_name, expr) => {
    expect(problemsOf(expr, series)).toEqual([]);
  });

  it.each(alerts.map((alert) => [alert.alert, alert] as const))('%s has a severity, a wait and a runbook line in k8s/README.md', (name, alert) => {
    const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
    expect(['critical', 'warning', 'info']).toContain(alert.labels?.['severity']);
    expect(alert.for).toMatch(/^\d+m$/);
    expect(alert.annotations?.['runbook']).toBe(`k8s/README.md#${name.toLowerCase()}`);
    expect(readme).toMatch(new RegExp(`^#### ${name}\\n\\n\\S.+`, 'm'));
  });
});

describe('the Grafana dashboard', () => {
  const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => [`${panel.title}: ${target.expr}`, target.expr] as const));

  it('shows what the fleet’s operators look at', () => {
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(['Throughput', 'Requests vs budget', '429s', 'Request latency', 'Queue depth by state', 'Dead letters', 'Workers']);
  });

  it('loads: a uid, panels with unique ids inside the 24-column grid, each on the chosen Prometheus', () => {
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.datasource.uid, panel.title).toBe('${datasource}');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'workspace']);
  });

  it.each(targets)('%s parses and names only what a live worker exports', (_title, expr) => {
    expect(problemsOf(interpolate(expr), series)).toEqual([]);
  });

  it('lists workspaces from a metric and label the worker exports', () => {
    const query = dashboard.templating.list.find((variable) => variable.name === 'workspace')?.query;
    const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(typeof query === 'object' ? (query.query ?? '') : '') ?? [];
    expect(series.get(metric ?? '')?.has(label ?? '')).toBe(true);
  });
});
