import { ConfigurationError, DEFAULT_BUDGET } from '@cioscale/core';
import { readCustomerioEnv, type CustomerioApi, type Region, type SinkConfig } from '@cioscale/customerio';
import {
  checkName,
  checkRedisTarget,
  chooseWorkspaces,
  CONSUMER_DEFAULTS,
  DEFAULT_NAMESPACE,
  defaultWorkspace,
  LANES,
  loadWorkspaces,
  redisTargetFromEnv,
  type Lane,
  type RedisTarget,
  type ResolvedWorkspace,
} from '@cioscale/queue';

/** The longest drain deadline: with the 5 s hard stop after it, a worker is gone within Kubernetes' 30 s grace. */
export const MAX_DRAIN_TIMEOUT_MS = 25_000;

/** One workspace the worker serves, with its credentials resolved from the environment. */
export interface ServedWorkspace {
  readonly workspace: ResolvedWorkspace;
  readonly region: Region;
  /** The sink of the workspace for `@cioscale/customerio`'s `createTransport` (its key is never logged). */
  readonly sink: SinkConfig;
  /** The env vars holding its credentials, for messages (`CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY`). */
  readonly credentialsEnv: string;
}

/** Everything the worker reads at start, validated. */
export interface WorkerConfig {
  readonly redis: RedisTarget;
  readonly namespace: string;
  readonly workspaces: readonly ServedWorkspace[];
  /** `CIO_API`: the Customer.io API every workspace of this worker delivers to. @defaultValue 'track' */
  readonly api: CustomerioApi;
  /** `CIO_LANE`: the lane of each workspace's budget this fleet takes from. @defaultValue 'live' */
  readonly lane: Lane;
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
  const api = cio.api ?? 'track';
  const lane = laneOf(env);
  const workspaces = chosen.map((workspace): ServedWorkspace => {
    const region = file ? workspace.region : (cio.region ?? 'us');
    if (api === 'pipelines') {
      const writeKeyEnv = workspace.writeKeyEnv ?? 'CUSTOMERIO_PIPELINES_WRITE_KEY';
      const writeKey = env[writeKeyEnv]?.trim();
      if (!writeKey) fail(writeKeyEnv, `set to the Data Pipelines write key of workspace "${workspace.name}" (CIO_API=pipelines)`);
      if (/[\s:]/.test(writeKey)) fail(writeKeyEnv, 'a key without spaces, line breaks or ":"', '(hidden)');
      const sink: SinkConfig = { api, writeKey, region, ...(cio.pipelinesUrl !== undefined && { url: cio.pipelinesUrl }) };
      return { workspace, region, sink, credentialsEnv: writeKeyEnv };
    }
    const siteId = env[workspace.siteIdEnv]?.trim();
    const apiKey = env[workspace.apiKeyEnv]?.trim();
    if (!siteId) fail(workspace.siteIdEnv, `set to the site id of workspace "${workspace.name}"`);
    if (!apiKey) fail(workspace.apiKeyEnv, `set to the Track API key of workspace "${workspace.name}"`);
    const sink: SinkConfig = { api, siteId, apiKey, region, ...(cio.trackUrl !== undefined && { url: cio.trackUrl }) };
    return { workspace, region, sink, credentialsEnv: `${workspace.siteIdEnv} and ${workspace.apiKeyEnv}` };
  });
  if (api === 'pipelines') {
    // a write key names one source: two workspaces on one key would write into the same place
    const seen = new Map<string, string>();
    for (const served of workspaces) {
      const key = (served.sink as { writeKey: string }).writeKey;
      const other = seen.get(key);
      if (other !== undefined) fail(served.credentialsEnv, `a write key no other workspace uses (workspace "${other}" has the same one)`, '(hidden)');
      seen.set(key, served.workspace.name);
    }
  }
  return {
    redis,
    namespace,
    workspaces,
    api,
    lane,
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

/** `CIO_LANE`: `live` (default) or `bulk`. */
function laneOf(env: NodeJS.ProcessEnv): Lane {
  const text = env['CIO_LANE']?.trim().toLowerCase();
  if (!text) return 'live';
  if (!(LANES as readonly string[]).includes(text)) fail('CIO_LANE', LANES.map((lane) => `"${lane}"`).join(' or '), JSON.stringify(text));
  return text as Lane;
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
