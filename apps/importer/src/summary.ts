import { relative } from 'node:path';
import { EXIT_CODES, type ExitCode } from './exitCodes.js';
import { impactLines } from './impactReport.js';
import type { ReservedColumn } from './reservedNames.js';
import type { Impact, RunCounts } from './rowLedger.js';

/** How the run ended. */
export type ImportStatus = 'complete' | 'interrupted' | 'fatal';

/** The final report; `--json` prints the first fields as one line. Counts come from the row ledger. */
export interface ImportSummary extends RunCounts {
  readonly requests: number;
  readonly rateLimited: number;
  readonly retries: number;
  readonly durationMs: number;
  /** URL without credentials, or `embedded-emulator`. */
  readonly target: string;
  readonly status: ImportStatus;
  readonly dryRun: boolean;
  /** Rows a `--resume` started after. */
  readonly resumedFrom: number;
  /** Where rejected and failed rows were written, when there were any. */
  readonly failedFile: string | undefined;
  readonly checkpoint: string | undefined;
  /** Peak resident memory of the process, MB (`process.resourceUsage().maxRSS`). */
  readonly peakRssMb: number;
  /** The one-line reason of a fatal stop. */
  readonly error: string | undefined;
  /** How the file was read (`tab` for a tab), once it was opened. */
  readonly input: { readonly encoding: string; readonly delimiter: string } | undefined;
  /** Columns with a reserved Customer.io name, and what was done with each. */
  readonly reserved: readonly ReservedColumn[];
  /** Rejected rows by reason. */
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** What the delivered (or, in a dry run, valid) operations do: identifies, events by age, update-only rows. */
  readonly impact: Impact;
}

/** The warning shown at start and in the summary of a run against the embedded emulator. */
export const EMBEDDED_NOTICE =
  'NO CUSTOMER.IO CREDENTIALS: importing into an embedded emulator in this process. NOTHING IS SENT TO CUSTOMER.IO. ' +
  'Set CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY (with --api pipelines: CUSTOMERIO_PIPELINES_WRITE_KEY) to import for real.';

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

/** `1,234`. */
export const n = (value: number): string => value.toLocaleString('en-US');

/**
 * The human summary, a few lines. Paths are shown relative to `from`, the folder the user ran the command
 * in (with `pnpm run import` that is not the process's working directory).
 */
export function humanSummary(summary: ImportSummary, file: string, from: string = process.cwd()): string {
  const seconds = summary.durationMs / 1000;
  const perSecond = seconds > 0 ? Math.round((summary.dryRun ? summary.valid + summary.rejected : summary.delivered) / seconds) : 0;
  if (summary.status === 'fatal') {
    const sent = summary.rows > 0 ? `\n  before stopping: rows ${n(summary.rows)} · delivered ${n(summary.delivered)} · rejected ${n(summary.rejected)}; the checkpoint is saved` : '';
    return `cioscale-import: ${summary.error ?? 'failed'}${sent}\n`;
  }
  const pending = summary.pending > 0 ? ` · pending ${n(summary.pending)}` : '';
  const lines = [
    `${headline(summary)} ${relative(from, file) || file} → ${summary.target} in ${seconds.toFixed(1)} s`,
    summary.dryRun
      ? `  rows ${n(summary.rows)} · valid ${n(summary.valid)} · rejected ${n(summary.rejected)} · skipped ${n(summary.skipped)}${pending} (dry run: nothing sent)`
      : `  rows ${n(summary.rows)} · delivered ${n(summary.delivered)} · rejected ${n(summary.rejected)} · failed ${n(summary.failed)} · skipped ${n(summary.skipped)}${pending}`,
  ];
  if (!summary.dryRun) lines.push(`  requests ${n(summary.requests)} · 429s ${n(summary.rateLimited)} · retries ${n(summary.retries)} · ${n(perSecond)} rows/s`);
  lines.push(...impactLines(summary));
  if (summary.input && (summary.input.encoding !== 'utf-8' || summary.input.delimiter !== ',')) lines.push(`  read as ${summary.input.encoding}, delimiter ${summary.input.delimiter === 'tab' ? 'tab' : `'${summary.input.delimiter}'`}`);
  if (summary.reserved.length > 0) lines.push(`  reserved names: ${summary.reserved.map((r) => `${r.column === r.name ? r.name : `${r.column} → ${r.name}`}: ${r.handling}`).join('; ')}`);
  if (summary.resumedFrom > 0) lines.push(`  resumed after row ${n(summary.resumedFrom)}`);
  if (summary.failedFile) lines.push(`  rejected/failed rows with reasons: ${relative(from, summary.failedFile)}`);
  if (summary.pending > 0) lines.push(`  pending rows were read but had no answer when the run stopped; --resume sends them`);
  if (summary.status === 'interrupted') lines.push('  interrupted: the checkpoint is saved; run again with --resume to continue');
  if (summary.error) lines.push(`  error: ${summary.error}`);
  if (summary.target === 'embedded-emulator') lines.push(`  ${EMBEDDED_NOTICE}`);
  return `${lines.join('\n')}\n`;
}

function headline(summary: ImportSummary): string {
  if (summary.status === 'interrupted') return 'Import interrupted:';
  return summary.dryRun ? 'Dry run of' : 'Imported';
}
