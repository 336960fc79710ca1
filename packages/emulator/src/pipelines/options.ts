/**
 * Options of the emulator's Data Pipelines endpoints, which listen on their own port.
 */
import type { RateLimitMode } from '../emulatedRateLimit.js';
import { EmulatorOptionError } from '../errors.js';
import { checkBurst, checkRate, checkRateLimitMode } from '../options.js';
import { PIPELINES_DEFAULT_RATE } from './limits.js';

/** How to serve the Pipelines API; present = served. */
export interface PipelinesOptions {
  /** TCP port of the Pipelines endpoints; 0 picks a free one (read `pipelinesUrl`). @defaultValue 0 */
  readonly port?: number;
  /**
   * Write keys by site id. A workspace not listed accepts its Track API key as its write key, so a
   * test can use one secret for both APIs. @defaultValue every workspace's API key
   */
  readonly writeKeys?: Readonly<Record<string, string>>;
  /** Requests per second per workspace on the Pipelines port; 0 = unlimited. @defaultValue 1000 (3000 per 3 s) */
  readonly rate?: number;
  /** Bucket size in `hard` mode. @defaultValue 100 */
  readonly burst?: number;
  /** @defaultValue 'soft' — Customer.io calls the Pipelines limit soft */
  readonly rateLimitMode?: RateLimitMode;
}

/** {@link PipelinesOptions} with defaults filled in. */
export interface ResolvedPipelinesOptions {
  readonly port: number;
  readonly writeKeys: ReadonlyMap<string, string>;
  readonly rate: number;
  readonly burst: number;
  readonly rateLimitMode: RateLimitMode;
}

/** Validates the options; the messages never repeat a write key. */
export function resolvePipelinesOptions(options: PipelinesOptions, workspaces: readonly { readonly siteId: string; readonly apiKey: string }[]): ResolvedPipelinesOptions {
  const siteIds = workspaces.map((workspace) => workspace.siteId);
  if (typeof options !== 'object' || options === null) throw new EmulatorOptionError('pipelines', 'an object', options);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new EmulatorOptionError('pipelines.port', 'an integer from 0 to 65535', port);
  const writeKeys = new Map<string, string>();
  for (const [siteId, key] of Object.entries(options.writeKeys ?? {})) {
    if (!siteIds.includes(siteId)) throw new EmulatorOptionError(`pipelines.writeKeys.${siteId}`, `the site id of a workspace (${siteIds.join(', ')})`, siteId);
    if (typeof key !== 'string' || key === '' || key.includes(':')) throw new EmulatorOptionError(`pipelines.writeKeys.${siteId}`, 'a non-empty key without ":"', '(hidden)');
    writeKeys.set(siteId, key);
  }
  // A write key picks the workspace, so two workspaces must never answer to the same one.
  const effective = workspaces.map((workspace) => writeKeys.get(workspace.siteId) ?? workspace.apiKey);
  if (new Set(effective).size !== effective.length) throw new EmulatorOptionError('pipelines.writeKeys', 'a distinct write key per workspace (a workspace without one uses its API key)', '(hidden)');
  return {
    port,
    writeKeys,
    rate: checkRate(options.rate ?? PIPELINES_DEFAULT_RATE, 'pipelines.rate'),
    burst: checkBurst(options.burst ?? 100, 'pipelines.burst'),
    rateLimitMode: checkRateLimitMode(options.rateLimitMode ?? 'soft', 'pipelines.rateLimitMode'),
  };
}
