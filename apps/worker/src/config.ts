import { ConfigurationError, DEFAULT_BUDGET } from '@cioscale/core';
import { readCustomerioEnv, type Region } from '@cioscale/customerio';
import { checkName, checkRedisTarget, chooseWorkspaces, CONSUMER_DEFAULTS, DEFAULT_NAMESPACE, defaultWorkspace, loadWorkspaces, redisTargetFromEnv, type RedisTarget, type ResolvedWorkspace } from '@cioscale/queue';

/** The longest drain deadline: with the 5 s hard stop after it, a worker is gone within Kubernetes' 30 s grace. */
export const MAX_DRAIN_TIMEOUT_MS = 25_000;

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
  /** Tries of one request inside the pipeline (1 = no retry) before BullMQ's attempts take over. */
  readonly retryMaxAttempts: number;
  readonly port: number;
  readonly drainTimeoutMs: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

/**
 * Reads the worker's configuration from `env`; throws a {@link ConfigurationError} naming the first bad
 * variable. Secrets are never echoed. Defaults come from core's `DEFAULT_BUDGET` and the queue's
 * `CONSUMER_DEFAULTS`.
 */
export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const cio = readCustomerioEnv(env);
  const redis = redisTargetFromEnv(env);
  checkRedisTarget(redis);
  const namespace = checkName('CIO_QUEUE_NAMESPACE', env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE);
  const file = env['CIO_WORKSPACES_FILE']?.trim();
  const all = file ? loadWorkspaces(file) : [defaultWorkspace({ rate: cio.rateLimit ?? DEFAULT_BUDGET.rate, burst: int(env, 'CIO_RATE_BURST', DEFAULT_BUDGET.burst, 1) })];
  const chosen = chooseWorkspaces(env, all);
  const workspaces = chosen.map((workspace): ServedWorkspace => {
    const siteId = env[workspace.siteIdEnv]?.trim();
    const apiKey = env[workspace.apiKeyEnv]?.trim();
    if (!siteId) fail(workspace.siteIdEnv, `set to the site id of workspace "${workspace.name}"`);
    if (!apiKey) fail(workspace.apiKeyEnv, `set to the Track API key of workspace "${workspace.name}"`);
    return { workspace, siteId, apiKey, region: file ? workspace.region : (cio.region ?? 'us') };
  });
  return {
    redis,
    namespace,
    workspaces,
    trackUrl: cio.trackUrl,
    concurrency: int(env, 'WORKER_CONCURRENCY', CONSUMER_DEFAULTS.concurrency, 1),
    requestConcurrency: int(env, 'WORKER_REQUEST_CONCURRENCY', CONSUMER_DEFAULTS.requestConcurrency, 1),
    batchMaxOperations: int(env, 'CIO_BATCH_MAX_OPERATIONS', CONSUMER_DEFAULTS.batch.maxOperations, 1),
    batchMaxWaitMs: int(env, 'CIO_BATCH_MAX_WAIT_MS', CONSUMER_DEFAULTS.batch.maxWaitMs, 0),
    retryMaxAttempts: int(env, 'CIO_RETRY_MAX_ATTEMPTS', CONSUMER_DEFAULTS.retry.maxAttempts, 1, 20),
    port: int(env, 'PORT', 9464, 0, 65_535),
    drainTimeoutMs: int(env, 'WORKER_DRAIN_TIMEOUT_MS', CONSUMER_DEFAULTS.drainTimeoutMs, 0, MAX_DRAIN_TIMEOUT_MS),
    lockDurationMs: int(env, 'WORKER_LOCK_DURATION_MS', CONSUMER_DEFAULTS.lockDurationMs, 1_000),
    stalledIntervalMs: int(env, 'WORKER_STALLED_INTERVAL_MS', CONSUMER_DEFAULTS.stalledIntervalMs, 1_000),
  };
}


function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) fail(name, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`, JSON.stringify(text));
  return value;
}

function fail(setting: string, expected: string, received?: string): never {
  throw new ConfigurationError(setting, expected, received);
}
