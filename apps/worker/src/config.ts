import { readCustomerioEnv, type Region } from '@cioscale/customerio';
import { defaultWorkspace, loadWorkspaces, QueueConfigError, redisTargetFromEnv, type RedisTarget, type ResolvedWorkspace } from '@cioscale/queue';

/** One workspace the worker serves, with its credentials resolved from the environment. */
export interface ServedWorkspace {
  readonly workspace: ResolvedWorkspace;
  readonly siteId: string;
  /** Never logged. */
  readonly apiKey: string;
  readonly region: Region;
}

/** Everything the worker reads at start, validated. */
export interface WorkerConfig {
  readonly redis: RedisTarget;
  readonly namespace: string;
  readonly workspaces: readonly ServedWorkspace[];
  /** `CIO_TRACK_URL`: overrides every workspace's region (e.g. the emulator). */
  readonly trackUrl: string | undefined;
  readonly concurrency: number;
  readonly requestConcurrency: number;
  readonly batchMaxOperations: number;
  readonly batchMaxWaitMs: number;
  readonly port: number;
  readonly drainTimeoutMs: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

/**
 * Reads the worker's configuration from `env`; throws a {@link QueueConfigError} (or the transport's
 * `ConfigError`) naming the first bad variable. Secrets are never echoed.
 */
export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const cio = readCustomerioEnv(env);
  const file = env['CIO_WORKSPACES_FILE']?.trim();
  const all = file ? loadWorkspaces(file) : [defaultWorkspace({ rate: cio.rateLimit ?? 100, burst: int(env, 'CIO_RATE_BURST', 10, 1) })];
  const subset = env['CIO_WORKSPACES']?.split(',').map((name) => name.trim()).filter(Boolean);
  const chosen = subset ? subset.map((name) => all.find((workspace) => workspace.name === name) ?? fail('CIO_WORKSPACES', `names from the workspaces file (${all.map((w) => w.name).join(', ')})`, JSON.stringify(name))) : all;
  const workspaces = chosen.map((workspace): ServedWorkspace => {
    const siteId = env[workspace.siteIdEnv]?.trim();
    const apiKey = env[workspace.apiKeyEnv]?.trim();
    if (!siteId) fail(workspace.siteIdEnv, `set to the site id of workspace "${workspace.name}"`);
    if (!apiKey) fail(workspace.apiKeyEnv, `set to the Track API key of workspace "${workspace.name}"`);
    return { workspace, siteId, apiKey, region: file ? workspace.region : (cio.region ?? 'us') };
  });
  return {
    redis: redisTargetFromEnv(env),
    namespace: env['CIO_QUEUE_NAMESPACE']?.trim() || 'cio',
    workspaces,
    trackUrl: cio.trackUrl,
    concurrency: int(env, 'WORKER_CONCURRENCY', 500, 1),
    requestConcurrency: int(env, 'WORKER_REQUEST_CONCURRENCY', 4, 1),
    batchMaxOperations: int(env, 'CIO_BATCH_MAX_OPERATIONS', 1000, 1),
    batchMaxWaitMs: int(env, 'CIO_BATCH_MAX_WAIT_MS', 100, 0),
    port: int(env, 'PORT', 9464, 0),
    drainTimeoutMs: int(env, 'WORKER_DRAIN_TIMEOUT_MS', 20_000, 0),
    lockDurationMs: int(env, 'WORKER_LOCK_DURATION_MS', 30_000, 1_000),
    stalledIntervalMs: int(env, 'WORKER_STALLED_INTERVAL_MS', 30_000, 1_000),
  };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(name, `an integer ≥ ${min}`, JSON.stringify(text));
  return value;
}

function fail(setting: string, expected: string, received?: string): never {
  throw new QueueConfigError(setting, expected, received);
}
