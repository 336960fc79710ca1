/**
 * `handleSummary`: every run leaves a record — the whole summary as JSON in `SUMMARY_FILE` (default
 * `<script>-summary.json` in the working directory) — and prints a text summary with each threshold's
 * verdict and the value it was judged on. Written here rather than taken from jslib.k6.io, so the scripts
 * run offline and type-check.
 */

/** The part of k6's summary data this reads. */
export interface SummaryData {
  readonly metrics: Readonly<Record<string, { readonly type: string; readonly contains?: string; readonly values: Readonly<Record<string, number>>; readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>> }>>;
  readonly state?: { readonly testRunDurationMs?: number };
}

/** The files k6 writes (and `stdout`) at the end of a run of `script`. */
export function summaryOutputs(script: string, env: { readonly [name: string]: string | undefined }, data: SummaryData): Record<string, string> {
  const file = env['SUMMARY_FILE'] ?? `${script}-summary.json`;
  return { [file]: JSON.stringify(data, null, 2), stdout: textSummary(script, data, file) };
}

/** The run's verdict in a few lines: thresholds first (what decides the exit code), then the call counts. */
export function textSummary(script: string, data: SummaryData, file: string): string {
  const lines: string[] = [];
  let failed = 0;
  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expression, verdict] of Object.entries(metric.thresholds ?? {})) {
      if (!verdict.ok) failed++;
      lines.push(`  ${verdict.ok ? 'ok  ' : 'FAIL'} ${name} ${expression}   (${describe(metric.type, metric.contains, metric.values)})`);
    }
  }
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  const head = `${script}: ${failed === 0 ? 'PASSED' : `FAILED (${failed} threshold${failed === 1 ? '' : 's'})`} after ${seconds.toFixed(1)} s`;
  return [head, ...lines, `  full summary: ${file}`, ''].join('\n');
}

function describe(type: string, contains: string | undefined, values: Readonly<Record<string, number>>): string {
  const unit = contains === 'time' ? ' ms' : '';
  if (type === 'rate') return `${((values['rate'] ?? NaN) * 100).toFixed(2)} % of ${(values['passes'] ?? 0) + (values['fails'] ?? 0)}`;
  if (type === 'counter') return `count ${values['count'] ?? 0}`;
  if (type === 'trend') return ['p(95)', 'p(99)', 'max'].filter((key) => key in values).map((key) => `${key}=${(values[key] ?? 0).toFixed(1)}${unit}`).join(' ');
  return Object.entries(values).map(([key, value]) => `${key}=${value}`).join(' ');
}
