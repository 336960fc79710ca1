import { ConfigurationError } from '@cioscale/core';
import { checkName, checkRedisTarget, chooseWorkspaces, DEFAULT_NAMESPACE, defaultWorkspace, loadWorkspaces, redisTargetFromEnv, type RedisTarget, type ResolvedWorkspace } from '@cioscale/queue';

/** The longest drain deadline: with the 5 s hard stop after it, a gateway is gone within Kubernetes' 30 s grace. */
export const MAX_DRAIN_TIMEOUT_MS = 25_000;

/** How often a worker publishes its report (apps/worker/src/main.ts), in ms. */
const WORKER_REPORT_INTERVAL_MS = 1_000;

/** One workspace the gateway accepts calls for: the credentials a caller must present. */
export interface AcceptedWorkspace {
  readonly workspace: ResolvedWorkspace;
  readonly siteId: string;
  /** Never logged. */
  readonly apiKey: string;
}

/** Everything the gateway reads at start, validated. */
export interface GatewayConfig {
  readonly redis: RedisTarget;
  readonly namespace: string;
  readonly workspaces: readonly AcceptedWorkspace[];
  /** Port of the Track API and of `/metrics`, `/healthz`, `/readyz`. */
  readonly port: number;
  /** Operations waiting in a workspace's queue past which new calls are answered 429. */
  readonly maxBacklog: number;
  /** How often the backlog is read from Redis, in ms. */
  readonly backlogRefreshMs: number;
  /** `Retry-After` of a 429 (backlog depth) or a 503 (Redis down), and the least of a 429 for the drain ETA, in seconds. */
  readonly retryAfterSeconds: number;
  /** The longest drain ETA (backlog over the rate the workers finish it) accepted, in s; 0: no ETA limit. */
  readonly maxDrainSeconds: number;
  /** Depth below which the ETA limit does not apply (an idle or stopped fleet with next to nothing waiting). */
  readonly drainMinBacklog: number;
  /** The span the workers' drain rate is averaged over, in ms. */
  readonly drainWindowMs: number;
  /** The most `Retry-After` of a 429 for the drain ETA (also while nothing drains), in seconds. */
  readonly maxRetryAfterSeconds: number;
  /** The largest v1 body, in bytes (Customer.io documents none; v2 has its own 32 KB / 500 KB). */
  readonly maxV1BodyBytes: number;
  /** The deepest nesting of objects and arrays a body may have. */
  readonly maxJsonDepth: number;
  /** Time a client has to send its request headers, in ms. */
  readonly headersTimeoutMs: number;
  /** Time a client has to send its whole request (headers and body), in ms. */
  readonly requestTimeoutMs: number;
  /** How long an enqueue waits for Redis before the call is answered 503, in ms. */
  readonly enqueueTimeoutMs: number;
  /** How long SIGTERM waits for the calls in progress, in ms. */
  readonly drainTimeoutMs: number;
}

/**
 * Reads the gateway's configuration from `env`; throws a {@link ConfigurationError} naming the first bad
 * variable. The workspaces and their credentials come as the worker's do: `CIO_WORKSPACES_FILE` (and
 * `CIO_WORKSPACES`), or the one workspace of `CUSTOMERIO_SITE_ID` + `CUSTOMERIO_TRACK_API_KEY`. Without
 * credentials the gateway refuses to start: it is never an open relay.
 */
export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const redis = redisTargetFromEnv(env);
  checkRedisTarget(redis);
  const namespace = checkName('CIO_QUEUE_NAMESPACE', env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE);
  const file = env['CIO_WORKSPACES_FILE']?.trim();
  const all = file ? loadWorkspaces(file) : [defaultWorkspace()];
  const chosen = chooseWorkspaces(env, all);
  const workspaces = chosen.map((workspace): AcceptedWorkspace => {
    const siteId = env[workspace.siteIdEnv]?.trim();
    const apiKey = env[workspace.apiKeyEnv]?.trim();
    if (!siteId) fail(workspace.siteIdEnv, `set to the site id callers of workspace "${workspace.name}" present`);
    if (!apiKey) fail(workspace.apiKeyEnv, `set to the Track API key callers of workspace "${workspace.name}" present`);
    if (siteId.includes(':')) fail(workspace.siteIdEnv, 'a site id without ":" (HTTP Basic splits on it)', JSON.stringify(siteId));
    return { workspace, siteId, apiKey };
  });
  const sites = new Set<string>();
  for (const { siteId, workspace } of workspaces) {
    if (sites.has(siteId)) fail(workspace.siteIdEnv, 'a site id no other workspace uses (the gateway routes by it)', JSON.stringify(siteId));
    sites.add(siteId);
  }
  const backlogRefreshMs = int(env, 'GATEWAY_BACKLOG_REFRESH_MS', 1_000, 50);
  const retryAfterSeconds = int(env, 'GATEWAY_RETRY_AFTER_SECONDS', 5, 1, 3_600);
  const maxRetryAfterSeconds = int(env, 'GATEWAY_MAX_RETRY_AFTER_SECONDS', Math.max(60, retryAfterSeconds), 1, 3_600);
  if (maxRetryAfterSeconds < retryAfterSeconds) fail('GATEWAY_MAX_RETRY_AFTER_SECONDS', `an integer ≥ GATEWAY_RETRY_AFTER_SECONDS (${retryAfterSeconds})`, JSON.stringify(String(maxRetryAfterSeconds)));
  // The window must hold two readings of the gateway's and two reports of each worker (they publish once a
  // second): with less, a window could see no report change and read a running fleet as stopped.
  const minDrainWindowMs = Math.max(WORKER_REPORT_INTERVAL_MS * 2, 2 * backlogRefreshMs);
  const drainWindowMs = int(env, 'GATEWAY_DRAIN_WINDOW_MS', Math.max(10_000, minDrainWindowMs), 1);
  if (drainWindowMs < minDrainWindowMs) fail('GATEWAY_DRAIN_WINDOW_MS', `an integer ≥ ${minDrainWindowMs} (two worker reports, a second apart, and 2 × GATEWAY_BACKLOG_REFRESH_MS)`, JSON.stringify(String(drainWindowMs)));
  return {
    redis,
    namespace,
    workspaces,
    port: int(env, 'PORT', 8080, 0, 65_535),
    maxBacklog: int(env, 'GATEWAY_MAX_BACKLOG', 100_000, 1),
    backlogRefreshMs,
    retryAfterSeconds,
    maxDrainSeconds: int(env, 'GATEWAY_MAX_DRAIN_SECONDS', 0, 0, 7 * 86_400),
    drainMinBacklog: int(env, 'GATEWAY_DRAIN_MIN_BACKLOG', 1_000, 1),
    drainWindowMs,
    maxRetryAfterSeconds,
    maxV1BodyBytes: int(env, 'GATEWAY_MAX_V1_BODY_BYTES', 1_000_000, 1_024),
    maxJsonDepth: int(env, 'GATEWAY_MAX_JSON_DEPTH', 32, 2, 1_000),
    headersTimeoutMs: int(env, 'GATEWAY_HEADERS_TIMEOUT_MS', 10_000, 100),
    requestTimeoutMs: int(env, 'GATEWAY_REQUEST_TIMEOUT_MS', 30_000, 100),
    enqueueTimeoutMs: int(env, 'GATEWAY_ENQUEUE_TIMEOUT_MS', 5_000, 100),
    drainTimeoutMs: int(env, 'GATEWAY_DRAIN_TIMEOUT_MS', 10_000, 0, MAX_DRAIN_TIMEOUT_MS),
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
