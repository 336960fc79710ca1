import { relative } from 'node:path';
import { EXIT_CODES, type ExitCode } from './exitCodes.js';
import type { ImportSummary } from './types.js';

/** The warning shown at start and in the summary of a run against the embedded emulator. */
export const EMBEDDED_NOTICE =
  'NO CUSTOMER.IO CREDENTIALS: importing into an embedded emulator in this process. NOTHING IS SENT TO CUSTOMER.IO. ' +
  'Set CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY to import for real.';

/** The exit code a summary stands for. */
export function exitCodeOf(summary: ImportSummary): ExitCode {
  if (summary.status === 'fatal') return EXIT_CODES.fatal;
  if (summary.status === 'interrupted') return EXIT_CODES.interrupted;
  return summary.rejected + summary.failed > 0 ? EXIT_CODES.rowsNotDelivered : EXIT_CODES.ok;
}

/** The `--json` line: the documented fields first, then the extras. */
export function jsonSummary(summary: ImportSummary): string {
  const { rows, delivered, rejected, failed, skipped, requests, rateLimited, retries, durationMs, target, ...rest } = summary;
  return JSON.stringify({ rows, delivered, rejected, failed, skipped, requests, rateLimited, retries, durationMs, target, ...rest });
}

/** The human summary, a few lines. */
export function humanSummary(summary: ImportSummary, file: string): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const seconds = summary.durationMs / 1000;
  const perSecond = seconds > 0 ? Math.round((summary.dryRun ? summary.valid + summary.rejected : summary.delivered) / seconds) : 0;
  if (summary.status === 'fatal') {
    const sent = summary.rows > 0 ? `\n  before stopping: rows ${n(summary.rows)} · delivered ${n(summary.delivered)} · rejected ${n(summary.rejected)}; the checkpoint is saved` : '';
    return `cioscale-import: ${summary.error ?? 'failed'}${sent}\n`;
  }
  const lines = [
    `${headline(summary)} ${relative(process.cwd(), file) || file} → ${summary.target} in ${seconds.toFixed(1)} s`,
    summary.dryRun
      ? `  rows ${n(summary.rows)} · valid ${n(summary.valid)} · rejected ${n(summary.rejected)} · skipped ${n(summary.skipped)} (dry run: nothing sent)`
      : `  rows ${n(summary.rows)} · delivered ${n(summary.delivered)} · rejected ${n(summary.rejected)} · failed ${n(summary.failed)} · skipped ${n(summary.skipped)}`,
  ];
  if (!summary.dryRun) lines.push(`  requests ${n(summary.requests)} · 429s ${n(summary.rateLimited)} · retries ${n(summary.retries)} · ${n(perSecond)} rows/s`);
  if (summary.input && (summary.input.encoding !== 'utf-8' || summary.input.delimiter !== ',')) lines.push(`  read as ${summary.input.encoding}, delimiter ${summary.input.delimiter === 'tab' ? 'tab' : `'${summary.input.delimiter}'`}`);
  if (summary.reserved.length > 0) lines.push(`  reserved names: ${summary.reserved.map((r) => `${r.column === r.name ? r.name : `${r.column} → ${r.name}`}: ${r.handling}`).join('; ')}`);
  if (summary.resumedFrom > 0) lines.push(`  resumed after row ${n(summary.resumedFrom)}`);
  if (summary.failedFile) lines.push(`  rejected/failed rows with reasons: ${relative(process.cwd(), summary.failedFile)}`);
  if (summary.status === 'interrupted') lines.push('  interrupted: the checkpoint is saved; run again with --resume to continue');
  if (summary.error) lines.push(`  error: ${summary.error}`);
  if (summary.target === 'embedded-emulator') lines.push(`  ${EMBEDDED_NOTICE}`);
  return `${lines.join('\n')}\n`;
}

function headline(summary: ImportSummary): string {
  if (summary.status === 'interrupted') return 'Import interrupted:';
  return summary.dryRun ? 'Dry run of' : 'Imported';
}
