import { readFileSync } from 'node:fs';
import { codeOf, ConfigurationError, DEFAULT_BUDGET } from '@cioscale/core';
import { checkName, DEFAULT_WORKSPACE } from './keys.js';

/** One workspace of a multi-workspace deployment (the > 10M operations/day tier). */
export interface WorkspaceConfig {
  /** Routing key and Redis key part: letters, digits, `_`, `-`. */
  readonly name: string;
  /** Name of the env var holding the site id (never the value itself). @defaultValue 'CUSTOMERIO_SITE_ID' */
  readonly siteIdEnv?: string;
  /** Name of the env var holding the Track API key. @defaultValue 'CUSTOMERIO_TRACK_API_KEY' */
  readonly apiKeyEnv?: string;
  /**
   * Name of the env var holding the workspace's Data Pipelines write key, read by a worker with
   * `CIO_API=pipelines`. @defaultValue 'CUSTOMERIO_PIPELINES_WRITE_KEY'
   */
  readonly writeKeyEnv?: string;
  /** Data centre. @defaultValue 'us' */
  readonly region?: 'us' | 'eu';
  /** Request budget of the workspace, in requests/s, shared by every worker. @defaultValue core's `DEFAULT_BUDGET.rate` (100) */
  readonly rate?: number;
  /** Requests the budget lets out at once after idling. @defaultValue core's `DEFAULT_BUDGET.burst` (10) */
  readonly burst?: number;
  /** Queues the workspace is spread over (one Redis Cluster slot each). @defaultValue 1 */
  readonly shards?: number;
}

/**
 * A {@link WorkspaceConfig} with its defaults filled in. `writeKeyEnv` stays optional in the type (a
 * workspace built in code for the Track API need not name it); {@link loadWorkspaces} always fills it.
 */
export type ResolvedWorkspace = Required<Omit<WorkspaceConfig, 'writeKeyEnv'>> & Pick<WorkspaceConfig, 'writeKeyEnv'>;

/** The single workspace of a deployment without a workspaces file. */
export function defaultWorkspace(overrides: Partial<WorkspaceConfig> = {}): ResolvedWorkspace {
  return resolveWorkspace({ name: DEFAULT_WORKSPACE, ...overrides }, 'workspace');
}

/**
 * Reads a workspaces file: JSON `{ "workspaces": [WorkspaceConfig, …] }`. Credentials are referenced by
 * env var name, so the file can live in a ConfigMap.
 *
 * @throws {ConfigurationError} naming the file and the first bad entry
 */
export function loadWorkspaces(file: string): ResolvedWorkspace[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError('CIO_WORKSPACES_FILE', `a readable JSON file (${file})`, error instanceof Error ? error.message : String(error));
  }
  try {
    return parseWorkspaces(parsed);
  } catch (error) {
    // name the file as well as the entry at fault: every tool that reads the file says the same
    if (codeOf(error) !== 'CIO_CONFIG') throw error;
    const { setting, expected, received } = error as ConfigurationError;
    throw new ConfigurationError(`CIO_WORKSPACES_FILE (${file}): ${setting}`, expected, received);
  }
}

/**
 * The workspaces a process serves: those named in `CIO_WORKSPACES` (comma-separated), in that order, or all
 * of `all` when it is unset. The worker and the gateway read it alike.
 * @throws ConfigurationError (`CIO_WORKSPACES`) for an empty list or a name not in `all`
 */
export function chooseWorkspaces(env: NodeJS.ProcessEnv, all: readonly ResolvedWorkspace[]): ResolvedWorkspace[] {
  const subset = env['CIO_WORKSPACES']?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!subset) return [...all];
  if (subset.length === 0) throw new ConfigurationError('CIO_WORKSPACES', 'a comma-separated list of workspace names', '(none)');
  return subset.map((name) => {
    const workspace = all.find((candidate) => candidate.name === name);
    if (!workspace) throw new ConfigurationError('CIO_WORKSPACES', `names from the workspaces file (${all.map((w) => w.name).join(', ')})`, JSON.stringify(name));
    return workspace;
  });
}

/** Validates the content of a workspaces file; see {@link loadWorkspaces}. */
export function parseWorkspaces(parsed: unknown): ResolvedWorkspace[] {
  const list = (parsed as { workspaces?: unknown } | null)?.workspaces;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigurationError('workspaces', 'a non-empty array');
  const resolved = list.map((entry: unknown, index) => resolveWorkspace(entry as WorkspaceConfig, `workspaces[${index}]`));
  const names = new Set<string>();
  for (const { name } of resolved) {
    if (names.has(name)) throw new ConfigurationError('workspaces', 'distinct names', JSON.stringify(name));
    names.add(name);
  }
  return resolved;
}

function resolveWorkspace(entry: WorkspaceConfig, at: string): ResolvedWorkspace {
  if (typeof entry !== 'object' || entry === null) throw new ConfigurationError(at, 'an object');
  const name = checkName(`${at}.name`, entry.name);
  const envName = (field: 'siteIdEnv' | 'apiKeyEnv' | 'writeKeyEnv', fallback: string): string => {
    const value = entry[field] ?? fallback;
    if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new ConfigurationError(`${at}.${field}`, 'an environment variable name', JSON.stringify(value));
    return value;
  };
  const region = entry.region ?? 'us';
  if (region !== 'us' && region !== 'eu') throw new ConfigurationError(`${at}.region`, '"us" or "eu"', JSON.stringify(region));
  const number = (field: 'rate' | 'burst' | 'shards', fallback: number, integer: boolean, min: number): number => {
    const value = entry[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new ConfigurationError(`${at}.${field}`, `${integer ? 'an integer' : 'a number'} ≥ ${min}`, JSON.stringify(value));
    }
    return value;
  };
  return {
    name,
    siteIdEnv: envName('siteIdEnv', 'CUSTOMERIO_SITE_ID'),
    apiKeyEnv: envName('apiKeyEnv', 'CUSTOMERIO_TRACK_API_KEY'),
    writeKeyEnv: envName('writeKeyEnv', 'CUSTOMERIO_PIPELINES_WRITE_KEY'),
    region,
    rate: number('rate', DEFAULT_BUDGET.rate, false, Number.MIN_VALUE),
    burst: number('burst', DEFAULT_BUDGET.burst, false, 1),
    shards: number('shards', 1, true, 1),
  };
}
