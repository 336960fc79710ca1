/**
 * The emulator's live state: its workspaces, fault injector and settings, shared by the HTTP
 * layer, the admin API and the library handle.
 */
import { Authenticator } from './auth.js';
import { EmulatorOptionError } from './errors.js';
import type { RateLimitMode } from './emulatedRateLimit.js';
import type { FaultOptions, FaultSettings } from './faults.js';
import { FaultInjector, validateFaults } from './faults.js';
import type { LedgerMode } from './ledger/types.js';
import type { ResolvedOptions } from './options.js';
import { checkBurst, checkRate, checkRateLimitMode } from './options.js';
import { Workspace } from './workspace.js';

/** A change of settings at runtime. Fields left out keep their value. */
export interface ConfigUpdate {
  /** Fault settings to change (partial). */
  readonly faults?: FaultOptions;
  /** Requests per second; 0 = unlimited. */
  readonly rate?: number;
  /** Token-bucket size. */
  readonly burst?: number;
  /** `hard` or `soft` (see {@link EmulatorOptions.rateLimitMode}). */
  readonly rateLimitMode?: RateLimitMode;
  /** Send `Retry-After` with 429 answers. */
  readonly retryAfter?: boolean;
  /** Change `rate`/`burst` of this workspace only. @defaultValue every workspace */
  readonly workspace?: string;
}

/** The settings in force, as `GET /__emulator/config` returns them. */
export interface EmulatorConfig {
  readonly retryAfter: boolean;
  readonly faults: FaultSettings;
  readonly workspaces: readonly { readonly siteId: string; readonly rate: number; readonly burst: number; readonly rateLimitMode: RateLimitMode; readonly ledger: LedgerMode }[];
}

/** Counts of requests that reached no workspace. */
export interface ServerCounters {
  /** Track API requests with a missing or wrong `Authorization` header. */
  unauthorized: number;
  /** Requests to paths (or methods) the emulator does not serve. */
  notFound: number;
}

const UPDATE_FIELDS = new Set(['faults', 'rate', 'burst', 'rateLimitMode', 'retryAfter', 'workspace']);

/** Everything the request handlers share. */
export class EmulatorState {
  readonly workspaces: readonly Workspace[];
  readonly authenticator: Authenticator;
  readonly faults: FaultInjector;
  readonly server: ServerCounters = { unauthorized: 0, notFound: 0 };
  retryAfter: boolean;

  constructor(options: ResolvedOptions) {
    this.workspaces = options.workspaces.map((settings) => new Workspace(settings));
    this.authenticator = new Authenticator(this.workspaces);
    this.faults = new FaultInjector(options.faults, options.random);
    this.retryAfter = options.retryAfter;
  }

  /** The workspace with `siteId`, or the first one when `siteId` is undefined. */
  workspace(siteId?: string): Workspace | undefined {
    return siteId === undefined ? this.workspaces[0] : this.workspaces.find((workspace) => workspace.siteId === siteId);
  }

  /** Like {@link workspace} but throws, naming the site id, when there is no such workspace. */
  requireWorkspace(siteId?: string, option = 'workspace'): Workspace {
    const workspace = this.workspace(siteId);
    if (workspace === undefined) throw new EmulatorOptionError(option, `one of the site ids ${this.workspaces.map((w) => w.siteId).join(', ')}`, siteId);
    return workspace;
  }

  /** Validates the whole update first, then applies it, so a bad field changes nothing. */
  configure(update: ConfigUpdate): EmulatorConfig {
    if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new EmulatorOptionError('config', 'an object', update);
    for (const name of Object.keys(update)) if (!UPDATE_FIELDS.has(name)) throw new EmulatorOptionError(name, `one of ${[...UPDATE_FIELDS].join(', ')}`, name);
    const targets = update.workspace === undefined ? this.workspaces : [this.requireWorkspace(update.workspace)];
    if (update.rate !== undefined) checkRate(update.rate, 'rate');
    if (update.burst !== undefined) checkBurst(update.burst, 'burst');
    if (update.rateLimitMode !== undefined) checkRateLimitMode(update.rateLimitMode, 'rateLimitMode');
    if (update.retryAfter !== undefined && typeof update.retryAfter !== 'boolean') throw new EmulatorOptionError('retryAfter', 'true or false', update.retryAfter);
    if (update.faults !== undefined) validateFaults(update.faults, this.faults.settings);
    if (update.faults !== undefined) this.faults.configure(update.faults);
    if (update.retryAfter !== undefined) this.retryAfter = update.retryAfter;
    for (const { rateLimit } of targets) rateLimit.configure(update.rate ?? rateLimit.rate, update.burst ?? rateLimit.burst, update.rateLimitMode ?? rateLimit.mode);
    return this.config();
  }

  /** The settings in force. */
  config(): EmulatorConfig {
    return {
      retryAfter: this.retryAfter,
      faults: this.faults.settings,
      workspaces: this.workspaces.map(({ siteId, rateLimit, ledger }) => ({ siteId, rate: rateLimit.rate, burst: rateLimit.burst, rateLimitMode: rateLimit.mode, ledger: ledger.mode })),
    };
  }

  /** Forgets ledger and counters of one workspace, or of all of them and the server counters. */
  reset(siteId?: string): void {
    if (siteId !== undefined) return this.requireWorkspace(siteId).reset();
    for (const workspace of this.workspaces) workspace.reset();
    this.server.unauthorized = 0;
    this.server.notFound = 0;
  }
}
