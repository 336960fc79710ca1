/**
 * Per-workspace state of the Pipelines endpoints: write-key auth, their own rate limit, `messageId`
 * dedupe and counters. People and events go to the workspace's one ledger (see ./server.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { EmulatedRateLimit } from '../emulatedRateLimit.js';
import { BoundedEventIdSet, UnboundedEventIdSet, type EventIdSet } from '../ledger/eventIds.js';
import { DEFAULT_DEDUPE_WINDOW } from '../ledger/countersLedger.js';
import type { Workspace } from '../workspace.js';
import type { ResolvedPipelinesOptions } from './options.js';

/** What the Pipelines endpoints counted for one workspace. */
export interface PipelinesCounters {
  /** Authenticated requests, including those answered 429. */
  requests: number;
  /** Requests that carried `X-Strict-Mode: 1`. */
  strictRequests: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Calls applied to the ledger (a batch counts its entries). */
  acceptedCalls: number;
  /** Calls not applied again because their `messageId` had been received. */
  duplicateMessages: number;
  /** Strict-mode requests refused with 400 (invalid or oversize); nothing of them was applied. */
  rejectedRequests: number;
  /** Requests without strict mode that were invalid or oversize: answered 200 and dropped. */
  silentlyDroppedRequests: number;
  /** Calls inside those silently dropped requests: the entries of a batch that could be parsed, else 1. */
  silentlyDroppedCalls: number;
  /** Faults injected into Pipelines requests (500, 503, resets, hangs together). */
  faults: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
}

function emptyCounters(): PipelinesCounters {
  return { requests: 0, strictRequests: 0, rateLimited: 0, acceptedCalls: 0, duplicateMessages: 0, rejectedRequests: 0, silentlyDroppedRequests: 0, silentlyDroppedCalls: 0, faults: 0, statuses: {} };
}

/** The Pipelines side of one workspace. */
export class PipelinesWorkspace {
  readonly rateLimit: EmulatedRateLimit;
  readonly #messageIds: EventIdSet;
  readonly #writeKey: Buffer;
  counters: PipelinesCounters = emptyCounters();

  constructor(
    readonly workspace: Workspace,
    writeKey: string,
    options: ResolvedPipelinesOptions,
  ) {
    this.#writeKey = Buffer.from(writeKey, 'utf8');
    this.rateLimit = new EmulatedRateLimit(options.rate, options.burst, undefined, options.rateLimitMode);
    // Same memory rule as the Track event ids: every id in the full ledger, a bounded window in counters mode.
    this.#messageIds = workspace.ledger.mode === 'full' ? new UnboundedEventIdSet() : new BoundedEventIdSet(DEFAULT_DEDUPE_WINDOW);
  }

  /** True when `key` is this workspace's write key (compared in constant time). */
  accepts(key: Buffer): boolean {
    return key.length === this.#writeKey.length && timingSafeEqual(key, this.#writeKey);
  }

  /** Records `messageId`; true when it had been received before. */
  seen(messageId: string): boolean {
    return this.#messageIds.checkAndAdd(messageId);
  }

  reset(): void {
    this.counters = emptyCounters();
    this.#messageIds.clear();
    this.rateLimit.refillFully();
  }
}

/** Every workspace's Pipelines side, and the write-key lookup. */
export class PipelinesState {
  readonly workspaces: readonly PipelinesWorkspace[];
  /** Requests with a missing or unknown write key. */
  unauthorized = 0;
  /** Requests to paths the Pipelines port does not serve. */
  notFound = 0;

  constructor(workspaces: readonly Workspace[], options: ResolvedPipelinesOptions) {
    this.workspaces = workspaces.map((workspace) => new PipelinesWorkspace(workspace, options.writeKeys.get(workspace.siteId) ?? workspace.apiKey, options));
  }

  /** The workspace of `Authorization: Basic base64(writeKey:)`; undefined when missing or wrong. */
  authenticate(header: string | undefined): PipelinesWorkspace | undefined {
    if (header === undefined) return undefined;
    const space = header.indexOf(' ');
    if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
    const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // The write key is the user name; the password is empty.
    const key = Buffer.from(colon < 0 ? decoded : decoded.slice(0, colon), 'utf8');
    return this.workspaces.find((candidate) => candidate.accepts(key));
  }

  /** The Pipelines side of `siteId` (the first workspace when undefined). */
  workspace(siteId?: string): PipelinesWorkspace | undefined {
    return siteId === undefined ? this.workspaces[0] : this.workspaces.find((candidate) => candidate.workspace.siteId === siteId);
  }

  reset(siteId?: string): void {
    for (const candidate of this.workspaces) if (siteId === undefined || candidate.workspace.siteId === siteId) candidate.reset();
    if (siteId === undefined) {
      this.unauthorized = 0;
      this.notFound = 0;
    }
  }
}
