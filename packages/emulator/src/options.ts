/**
 * Options of {@link startEmulator}, with their defaults, normalised and validated once at start.
 */
import type { RateLimitMode } from './emulatedRateLimit.js';
import { EmulatorOptionError } from './errors.js';
import type { FaultOptions } from './faults.js';
import { DEFAULT_DEDUPE_WINDOW } from './ledger/countersLedger.js';
import type { LedgerMode } from './ledger/types.js';
import type { WorkspaceSettings } from './workspace.js';
import type { PipelinesOptions, ResolvedPipelinesOptions } from './pipelines/options.js';
import { resolvePipelinesOptions } from './pipelines/options.js';

/** One workspace: the Basic-auth credentials it answers to, and optionally its own budget. */
export interface WorkspaceOptions {
  readonly siteId: string;
  readonly apiKey: string;
  /** Requests per second for this workspace; 0 = unlimited. @defaultValue {@link EmulatorOptions.rate} */
  readonly rate?: number;
  /** Bucket size for this workspace. @defaultValue {@link EmulatorOptions.burst} */
  readonly burst?: number;
  /** `hard` or `soft` for this workspace. @defaultValue {@link EmulatorOptions.rateLimitMode} */
  readonly rateLimitMode?: RateLimitMode;
}

/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one (read it from the handle's `url`). @defaultValue 0 */
  readonly port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /**
   * Workspaces, as `siteId:apiKey` strings or objects. The first is the default of the admin API.
   * @defaultValue ['site:key']
   */
  readonly workspaces?: readonly (string | WorkspaceOptions)[];
  /** Requests per second per workspace, v1 and v2 together; 0 = unlimited. @defaultValue 100 */
  readonly rate?: number;
  /** Token-bucket size per workspace: requests allowed at once after an idle period (`hard` mode). @defaultValue 100 */
  readonly burst?: number;
  /**
   * `hard`: a bucket of `burst`, strictly enforced (the brief's ~100 req/s plan). `soft`: Customer.io's
   * documented "not strictly enforced" limit: the budget is counted over 3 s (`rate × 3` at once), so
   * bursts pass and only sustained excess is answered 429. @defaultValue 'hard'
   */
  readonly rateLimitMode?: RateLimitMode;
  /**
   * Send `Retry-After` (whole seconds) with 429 answers. Customer.io does not document the header,
   * so turn it off to check that a client copes without it. @defaultValue true
   */
  readonly retryAfter?: boolean;
  /** `full` keeps people and events; `counters` keeps only counters and recent event ids. @defaultValue 'full' */
  readonly ledger?: LedgerMode;
  /** Event ids the `counters` ledger remembers for dedupe; 0 turns dedupe off. Ignored by `full`. @defaultValue 100000 */
  readonly dedupeWindow?: number;
  /**
   * The workspace setting "event merging": an identify that sets a person's `anonymous_id` attribute moves the
   * anonymous events with that `anonymous_id` received in the last 30 days to the person. Full ledger only.
   * @defaultValue false (Customer.io's docs tell you to turn it on)
   */
  readonly mergeAnonymousEvents?: boolean;
  /** Faults injected from the start. @defaultValue no faults */
  readonly faults?: FaultOptions;
  /** Uniform [0, 1) random source for faults and jitter; inject one to make tests deterministic. @defaultValue Math.random */
  readonly random?: () => number;
  /** Serve the Data Pipelines API on its own port too (see docs/pipelines-api.md). @defaultValue not served */
  readonly pipelines?: PipelinesOptions;
}

/** The default workspace credentials: site id `site`, API key `key`. */
export const DEFAULT_WORKSPACE = 'site:key';
/** Requests per second per workspace when not told otherwise. */
export const DEFAULT_RATE = 100;
/** Bucket size per workspace when not told otherwise. */
export const DEFAULT_BURST = 100;

/** {@link EmulatorOptions} with every default filled in. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly workspaces: readonly WorkspaceSettings[];
  readonly retryAfter: boolean;
  readonly faults: FaultOptions;
  readonly random: () => number;
  readonly pipelines: ResolvedPipelinesOptions | undefined;
}

/** Checks a request rate: a finite number ≥ 0 (0 = unlimited). */
export function checkRate(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new EmulatorOptionError(option, 'a number of requests per second ≥ 0 (0 = unlimited)', value);
  return value;
}

/** Checks a rate-limit mode: `hard` or `soft`. */
export function checkRateLimitMode(value: unknown, option: string): RateLimitMode {
  if (value !== 'hard' && value !== 'soft') throw new EmulatorOptionError(option, '"hard" or "soft"', value);
  return value;
}

/** Checks a burst: a finite number ≥ 1. */
export function checkBurst(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) throw new EmulatorOptionError(option, 'a number of requests ≥ 1', value);
  return value;
}

/** Parses `siteId:apiKey` (the key may itself contain `:`). The message never repeats the key. */
export function parseWorkspace(text: string, option: string): { siteId: string; apiKey: string } {
  const colon = text.indexOf(':');
  const siteId = colon < 0 ? text : text.slice(0, colon);
  const apiKey = colon < 0 ? '' : text.slice(colon + 1);
  if (siteId === '' || apiKey === '') {
    throw new EmulatorOptionError(option, 'siteId:apiKey pairs with neither part empty', colon < 0 ? `"${siteId}" (no ":apiKey")` : `"${siteId}:…"`);
  }
  return { siteId, apiKey };
}

/** Fills in defaults and validates; throws {@link EmulatorOptionError} naming the first bad option. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new EmulatorOptionError('port', 'an integer from 0 to 65535', port);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new EmulatorOptionError('host', 'a host name or address', host);
  const rate = checkRate(options.rate ?? DEFAULT_RATE, 'rate');
  const burst = checkBurst(options.burst ?? DEFAULT_BURST, 'burst');
  const rateLimitMode = checkRateLimitMode(options.rateLimitMode ?? 'hard', 'rateLimitMode');
  const ledger = options.ledger ?? 'full';
  if (ledger !== 'full' && ledger !== 'counters') throw new EmulatorOptionError('ledger', '"full" or "counters"', ledger);
  const dedupeWindow = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
  // One generation of the counters ledger's id set is one V8 Set, which holds at most 2^24 entries.
  if (!Number.isInteger(dedupeWindow) || dedupeWindow < 0 || dedupeWindow >= 2 ** 24) {
    throw new EmulatorOptionError('dedupeWindow', 'an integer from 0 to 16777215', dedupeWindow);
  }
  const mergeAnonymousEvents = options.mergeAnonymousEvents ?? false;
  if (typeof mergeAnonymousEvents !== 'boolean') throw new EmulatorOptionError('mergeAnonymousEvents', 'true or false', mergeAnonymousEvents);
  const listed = options.workspaces ?? [DEFAULT_WORKSPACE];
  if (!Array.isArray(listed) || listed.length === 0) throw new EmulatorOptionError('workspaces', 'a non-empty list of siteId:apiKey', listed);
  const workspaces = (listed as readonly (string | WorkspaceOptions)[]).map((entry, index): WorkspaceSettings => {
    const option = `workspaces[${index}]`;
    const parsed = typeof entry === 'string' ? parseWorkspace(entry, option) : checkWorkspaceObject(entry, option);
    return {
      siteId: parsed.siteId,
      apiKey: parsed.apiKey,
      rate: typeof entry === 'string' || entry.rate === undefined ? rate : checkRate(entry.rate, `${option}.rate`),
      burst: typeof entry === 'string' || entry.burst === undefined ? burst : checkBurst(entry.burst, `${option}.burst`),
      rateLimitMode: typeof entry === 'string' || entry.rateLimitMode === undefined ? rateLimitMode : checkRateLimitMode(entry.rateLimitMode, `${option}.rateLimitMode`),
      ledger,
      dedupeWindow,
      environmentId: index + 1,
      mergeAnonymousEvents,
    };
  });
  const seen = new Set<string>();
  for (const { siteId } of workspaces) {
    if (seen.has(siteId)) throw new EmulatorOptionError('workspaces', 'a list of distinct site ids', siteId);
    seen.add(siteId);
  }
  const pipelines = options.pipelines === undefined ? undefined : resolvePipelinesOptions(options.pipelines, workspaces);
  return { port, host, workspaces, retryAfter: options.retryAfter ?? true, faults: options.faults ?? {}, random: options.random ?? Math.random, pipelines };
}

function checkWorkspaceObject(entry: unknown, option: string): { siteId: string; apiKey: string } {
  const { siteId, apiKey } = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<WorkspaceOptions>;
  if (typeof siteId !== 'string' || siteId === '' || siteId.includes(':')) throw new EmulatorOptionError(`${option}.siteId`, 'a non-empty string without ":"', siteId);
  if (typeof apiKey !== 'string' || apiKey === '') throw new EmulatorOptionError(`${option}.apiKey`, 'a non-empty string', apiKey === undefined ? undefined : '(hidden)');
  return { siteId, apiKey };
}
