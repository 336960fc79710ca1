import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { ConfigurationError } from '@cioscale/core';

/** Where Redis is: a `redis://` / `rediss://` URL, or the seed nodes of a Redis Cluster. */
export type RedisTarget = string | { readonly cluster: readonly string[]; readonly password?: string; readonly tls?: boolean };

/** A connected (or connecting) client: a single node or a cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Who uses the connection. BullMQ's production guidance differs by role:
 * - `producer`: fail fast. `enableOfflineQueue: false` and `maxRetriesPerRequest: 1`, so an enqueue
 *   while Redis is down throws instead of piling up in memory.
 * - `worker`: never give up. `maxRetriesPerRequest: null` (BullMQ requires it for blocking commands);
 *   commands wait for the reconnection, with an exponential retry strategy capped at 2 s.
 */
export type ConnectionRole = 'producer' | 'worker';

/**
 * Opens an ioredis client with the options BullMQ recommends for `role`.
 *
 * @param target - see {@link RedisTarget}
 * @param role - see {@link ConnectionRole}
 * @example const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
 */
export function createRedisClient(target: RedisTarget, role: ConnectionRole): RedisClient {
  const roleOptions: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null, connectTimeout: 10_000 };
  const retryStrategy = (times: number): number => Math.min(2_000, 50 * 2 ** Math.min(times, 6));
  checkRedisTarget(target);
  if (typeof target === 'string') return new Redis(target, { ...roleOptions, retryStrategy, lazyConnect: false });
  const nodes = target.cluster.map((node) => parseNode(node));
  const clusterOptions: ClusterOptions = {
    ...(role === 'producer' && { enableOfflineQueue: false }),
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...roleOptions,
      ...(target.password !== undefined && { password: target.password }),
      ...(target.tls === true && { tls: {} }),
    },
  };
  return new Cluster(nodes, clusterOptions);
}

/**
 * Throws a {@link ConfigurationError} naming `REDIS_URL` or `REDIS_CLUSTER_NODES` unless `target` can be
 * connected to. Never echoes a password.
 */
export function checkRedisTarget(target: RedisTarget): void {
  if (typeof target === 'string') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new ConfigurationError('REDIS_URL', 'a URL such as redis://127.0.0.1:6379', '(not a URL)');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigurationError('REDIS_URL', 'a redis:// or rediss:// URL', JSON.stringify(url.protocol));
    return;
  }
  if (!Array.isArray(target.cluster) || target.cluster.length === 0) throw new ConfigurationError('REDIS_CLUSTER_NODES', 'a comma-separated list of host:port', '(empty)');
  for (const node of target.cluster) parseNode(node);
}

/** Reads `REDIS_URL` or `REDIS_CLUSTER_NODES` (+ `REDIS_PASSWORD`); the cluster wins when both are set. */
export function redisTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const nodes = env['REDIS_CLUSTER_NODES']?.trim();
  if (nodes) {
    const password = env['REDIS_PASSWORD']?.trim();
    return { cluster: nodes.split(',').map((node) => node.trim()).filter(Boolean), ...(password && { password }) };
  }
  return env['REDIS_URL']?.trim() || 'redis://127.0.0.1:6379';
}

/** A Redis target for logs: the URL without its password. */
export function describeRedisTarget(target: RedisTarget): string {
  if (typeof target !== 'string') return `cluster ${target.cluster.join(',')}`;
  try {
    const url = new URL(target);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

function parseNode(node: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node.trim());
  if (!match) throw new ConfigurationError('REDIS_CLUSTER_NODES', 'host:port entries', JSON.stringify(node));
  return { host: match[1] as string, port: Number(match[2]) };
}
