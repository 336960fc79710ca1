import { basename } from 'node:path';
import { createEnvelope, isEventOperation, validateOperation, type Envelope, type Rejection } from '@cioscale/core';
import type { CsvRow } from './csvSource.js';
import { DiffStore, type DiffEntry } from './diffStore.js';
import { eventAge, isRecent } from './eventAge.js';
import type { ProblemRow } from './jsonlSource.js';
import type { RowRef, RowResult } from './rowResult.js';
import { isRowProblem, type RowMapper } from './rowMapper.js';
import type { RunStamper } from './runStamper.js';

/** Options of {@link RowPlanner}. */
export interface RowPlannerOptions {
  /** `--dry-run`: every row's result is decided here (valid or rejected); nothing goes on to `deliver()`. */
  readonly dryRun: boolean;
  /** The `--diff` store: rows that would send what was last delivered are skipped. */
  readonly diff: DiffStore | undefined;
  /** `--no-recent-events`: events that could trigger a campaign are rejected, never sent. */
  readonly refuseRecentEvents: boolean;
  /** A recent event is about to be sent (called for the first one; the CLI warns). */
  readonly onFirstRecentEvent?: (row: number) => void;
  /** Gives identifies without a timestamp the run's time (see `RunStamper`). */
  readonly stamper: RunStamper;
  /** The clock, unix ms. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * `--dry-run`: what the run's sink would refuse before sending (the Pipelines mapping, see dryRunRefusals.ts),
   * so a dry run rejects the rows a real run would, with the same reason. @defaultValue none (Track)
   */
  readonly sinkRefusal?: ((envelope: Envelope) => Rejection | undefined) | undefined;
}

/**
 * The first step of every row: its cells become an envelope for `deliver()`, or a result decided here —
 * rejected (it cannot be mapped, or `--no-recent-events` refuses it), skipped (`--diff`: unchanged) or
 * valid (`--dry-run`). It never settles anything itself: whatever it returns flows on, one way, to the
 * ledger.
 *
 * Event ids: the source key is `<file name>#<row>#<hash of the cells>` and the id time is the event's
 * timestamp (0 without one), so the same row of the same file gets the same id on a resume and on any
 * re-run, while an edited row is a new event.
 *
 * Identifies are stamped with the run's time (`RunStamper`) before their size is measured; the `--diff`
 * fingerprint is taken from the operation before the stamp, so a row that did not change is still unchanged
 * on the next run, whose time differs.
 */
export class RowPlanner {
  private readonly fileName: string;
  private readonly now: () => number;
  private warned = false;

  constructor(
    file: string,
    private readonly mapper: RowMapper,
    private readonly options: RowPlannerOptions,
  ) {
    this.fileName = basename(file);
    this.now = options.now ?? Date.now;
  }

  plan(csvRow: CsvRow): Envelope<RowRef> | RowResult {
    // a line a typed source could not read (not a JSON object) is rejected as it was read
    const refused = (csvRow as Partial<ProblemRow>).problem;
    if (refused) return { status: 'rejected', ref: csvRow, rejection: { origin: 'local', reason: refused.reason, message: refused.message } };
    const { row, cells } = csvRow;
    const operation = this.mapper(cells);
    if (isRowProblem(operation)) return { status: 'rejected', ref: csvRow, rejection: { origin: 'local', reason: operation.reason, message: operation.message } };
    const event = isEventOperation(operation);
    if (event && isRecent(eventAge(operation, this.now() / 1000))) {
      if (this.options.refuseRecentEvents) return { status: 'rejected', ref: csvRow, operation, rejection: RECENT_EVENT };
      if (!this.warned && !this.options.dryRun) {
        this.warned = true;
        this.options.onFirstRecentEvent?.(row);
      }
    }
    const sourceKey = event ? `${this.fileName}#${row}#${DiffStore.entryOf('', cells.join('\u0000')).fingerprint}` : `${this.fileName}#${row}`;
    const idTimeMs = event ? (operation.timestamp ?? 0) * 1000 : 0;
    const envelope = createEnvelope<RowRef>(this.options.stamper.stamp(operation), { source: csvRow, sourceKey, producedAt: this.now(), idTimeMs });
    let diff: DiffEntry | undefined;
    if (this.options.diff) {
      // an event as sent (its id is part of it); an identify as the file says it, without the run's stamp
      diff = DiffStore.entryOf(event ? envelope.id : envelope.key, JSON.stringify(event ? envelope.operation : operation));
      if (this.options.diff.unchanged(diff)) return { status: 'skipped', ref: csvRow, operation: envelope.operation };
    }
    if (this.options.dryRun) {
      const rejection = validateOperation(envelope.operation, envelope.bytes) ?? this.options.sinkRefusal?.(envelope);
      return rejection ? { status: 'rejected', ref: csvRow, rejection, operation: envelope.operation } : { status: 'valid', ref: csvRow, operation: envelope.operation };
    }
    return diff ? { ...envelope, source: { row, cells, diff } } : envelope;
  }
}

const RECENT_EVENT = {
  origin: 'local',
  reason: 'recent_event',
  field: 'timestamp',
  message: "the event is dated within Customer.io's 72-hour campaign window (or has no timestamp, which Customer.io reads as now) and could trigger campaigns; --no-recent-events refuses it",
} as const;
