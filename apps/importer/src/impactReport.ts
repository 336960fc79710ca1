import type { ImportSummary } from './summary.js';

const fmt = (value: number): string => value.toLocaleString('en-US');

/**
 * What the rows do in Customer.io, for the summary. A dry run prints the whole impact report — rejected
 * rows by reason, identifies vs events, update-only rows, events by age with the recent ones called out,
 * rows unchanged since the last `--diff` — so the user sees what a real run would trigger before it does.
 * A real run prints the reasons and a line for recent events and update-only rows when there are any.
 */
export function impactLines(summary: ImportSummary): string[] {
  const { impact, dryRun } = summary;
  const lines: string[] = [];
  const reasons = Object.entries(summary.rejectedByReason);
  if (reasons.length > 0) lines.push(`  rejected by reason: ${reasons.map(([reason, count]) => `${reason} ${fmt(count)}`).join(' · ')}`);
  if (dryRun) {
    lines.push(`  would send: ${fmt(impact.identifies)} identifies · ${fmt(impact.events)} events`);
    if (impact.events > 0) {
      const a = impact.eventsByAge;
      lines.push(`  events by age: no timestamp ${fmt(a.none)} · future ${fmt(a.future)} · ≤ 72 h ${fmt(a.within72h)} · ≤ 30 days ${fmt(a.within30d)} · older ${fmt(a.older)}`);
    }
    lines.push(`  unchanged since the last --diff (skipped): ${fmt(summary.skipped)}`);
  }
  const verb = dryRun ? 'would' : '';
  if (impact.updateOnly > 0) lines.push(`  update-only rows (_update true: ${verb ? 'would update' : 'updated'} existing people only, never create one): ${fmt(impact.updateOnly)}`);
  if (impact.recentEvents > 0) {
    lines.push(
      `  ⚠ recent events: ${fmt(impact.recentEvents)} dated within Customer.io's 72-hour window (or without a timestamp) ${dryRun ? 'would' : 'can'} trigger campaigns; --no-recent-events refuses them`,
    );
  }
  return lines;
}
