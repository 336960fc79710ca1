/**
 * A workspace: one `siteId:apiKey` pair with its own rate budget, ledger and counters.
 */
import type { Command, CommandAction } from './commands.js';
import { CountersLedger } from './ledger/countersLedger.js';
import { FullLedger } from './ledger/fullLedger.js';
import type { ApplyResult, Ledger, LedgerMode, LedgerSizes } from './ledger/types.js';
import type { RateLimitMode } from './emulatedRateLimit.js';
import { EmulatedRateLimit } from './emulatedRateLimit.js';
import { MILLISECOND_TIMESTAMP_FLOOR } from './limits.js';

/** What a workspace has counted since start or the last reset. */
export interface WorkspaceCounters {
  /** Authenticated Track API requests, including those answered 429 or with a fault. */
  requests: number;
  /** Requests answered 429, by the token bucket or a forced window. */
  rateLimited: number;
  /** Accepted operations by action (`identify`, `event`, `anonymous_event`, `object_identify`…). */
  operations: Partial<Record<CommandAction, number>>;
  /** Sum of {@link WorkspaceCounters.operations}. */
  acceptedOperations: number;
  /** Operations refused as invalid: v1/entity 400s and batch 207 entries. */
  rejectedOperations: number;
  /** Requests refused whole: unparseable body, wrong shape, 413. */
  rejectedRequests: number;
  /** Events not stored again because their `id` had been received. */
  duplicateEvents: number;
  /** Accepted operations without effect (suppressed identifier, `_update` on an unknown person…). */
  ignoredOperations: number;
  /** Request body bytes received (counted for requests that were read). */
  bytes: number;
  /** Faults injected into this workspace's requests. */
  faults: { error500: number; error503: number; resets: number; hangs: number; forced429: number };
  /** Answers by HTTP status, e.g. `{ "200": 10, "207": 1 }`. Resets and hangs have no status. */
  statuses: Record<string, number>;
  /**
   * Accepted operations whose `_timestamp`/`timestamp` (or device `last_used`) looks like
   * milliseconds (≥ 100,000,000,000). Customer.io reads it as seconds, thousands of years ahead, so
   * such an update wins every later one for good; the emulator does the same and counts it here.
   */
  millisecondTimestamps: number;
  /** The most recent such operation: its action and the value sent. */
  lastMillisecondTimestamp: { action: CommandAction; value: number } | undefined;
}

/** A workspace's counters plus its settings and ledger sizes, as `GET /__emulator/stats` returns them. */
export interface WorkspaceStats extends WorkspaceCounters {
  readonly siteId: string;
  readonly ledger: LedgerMode;
  /** Requests per second; 0 = unlimited. */
  readonly rate: number;
  readonly burst: number;
  readonly rateLimitMode: RateLimitMode;
  readonly sizes: LedgerSizes;
  /** Warnings a person reading the stats should see, in words (e.g. millisecond timestamps). */
  readonly notes: readonly string[];
}

/** How one workspace is set up. */
export interface WorkspaceSettings {
  readonly siteId: string;
  readonly apiKey: string;
  /** Requests per second; 0 = unlimited. */
  readonly rate: number;
  readonly burst: number;
  readonly rateLimitMode: RateLimitMode;
  readonly ledger: LedgerMode;
  /** Event ids remembered by the counters ledger; 0 = dedupe off. */
  readonly dedupeWindow: number;
  /** Position in the workspace list, from 1: the `environment_id` of `GET /api/v1/accounts/region`. */
  readonly environmentId: number;
  /** The workspace setting "event merging" (full ledger only). */
  readonly mergeAnonymousEvents: boolean;
}

function emptyCounters(): WorkspaceCounters {
  return {
    requests: 0,
    rateLimited: 0,
    operations: {},
    acceptedOperations: 0,
    rejectedOperations: 0,
    rejectedRequests: 0,
    duplicateEvents: 0,
    ignoredOperations: 0,
    bytes: 0,
    faults: { error500: 0, error503: 0, resets: 0, hangs: 0, forced429: 0 },
    statuses: {},
    millisecondTimestamps: 0,
    lastMillisecondTimestamp: undefined,
  };
}

/** A workspace's live state. */
export class Workspace {
  readonly siteId: string;
  readonly apiKey: string;
  readonly rateLimit: EmulatedRateLimit;
  readonly ledger: Ledger;
  readonly environmentId: number;
  counters: WorkspaceCounters = emptyCounters();

  constructor(settings: WorkspaceSettings, clock?: () => number) {
    this.siteId = settings.siteId;
    this.apiKey = settings.apiKey;
    this.environmentId = settings.environmentId;
    this.rateLimit = new EmulatedRateLimit(settings.rate, settings.burst, clock, settings.rateLimitMode);
    this.ledger = settings.ledger === 'full' ? new FullLedger({ mergeAnonymousEvents: settings.mergeAnonymousEvents }) : new CountersLedger(settings.dedupeWindow);
  }

  /** Applies one valid operation to the ledger and counts it, flagging a millisecond timestamp. */
  accept(command: Command, now: number): void {
    const stamped = command as { readonly timestamp?: number | undefined; readonly lastUsed?: number | undefined };
    const timestamp = stamped.timestamp ?? stamped.lastUsed;
    if (timestamp !== undefined && timestamp >= MILLISECOND_TIMESTAMP_FLOOR) {
      this.counters.millisecondTimestamps++;
      this.counters.lastMillisecondTimestamp = { action: command.action, value: timestamp };
    }
    this.countOperation(command.action, this.ledger.apply(command, now));
  }

  /** Counts one accepted operation and what applying it did. */
  countOperation(action: CommandAction, result: ApplyResult): void {
    const counters = this.counters;
    counters.operations[action] = (counters.operations[action] ?? 0) + 1;
    counters.acceptedOperations++;
    if (result === 'duplicate') counters.duplicateEvents++;
    else if (result === 'ignored') counters.ignoredOperations++;
  }

  /** Counts one answer by status. */
  countStatus(status: number): void {
    this.counters.statuses[status] = (this.counters.statuses[status] ?? 0) + 1;
  }

  /** A snapshot safe to hand out (later requests do not change it). */
  stats(): WorkspaceStats {
    const counters = structuredClone(this.counters);
    const { rate, burst, mode } = this.rateLimit;
    return { siteId: this.siteId, ledger: this.ledger.mode, rate, burst, rateLimitMode: mode, ...counters, sizes: this.ledger.sizes(), notes: this.#notes() };
  }

  #notes(): string[] {
    const { millisecondTimestamps: count, lastMillisecondTimestamp: last } = this.counters;
    if (count === 0 || last === undefined) return [];
    const date = new Date(last.value).toISOString().slice(0, 10);
    return [
      `${count} operation${count === 1 ? '' : 's'} had a timestamp in milliseconds (latest: ${last.action} with ${last.value}, ${date} if milliseconds). ` +
        'Customer.io reads timestamps as unix seconds, so these are thousands of years ahead and win every later update: send seconds.',
    ];
  }

  /** Forgets the ledger and the counters, and refills the rate budget. */
  reset(): void {
    this.ledger.clear();
    this.counters = emptyCounters();
    this.rateLimit.refillFully();
  }
}
