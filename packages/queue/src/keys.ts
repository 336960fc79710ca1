/**
 * Where a workspace's data lives in Redis.
 *
 * Every key of one queue shares a Redis Cluster hash tag (`{…}`), so BullMQ's multi-key Lua scripts and
 * our token-bucket script each touch a single slot. Shards of one workspace get distinct tags so a
 * cluster spreads them over its masters; the bucket stays in the workspace's own tag.
 */
import { ConfigurationError } from '@cioscale/core';

/** The BullMQ queue name inside every prefix. */
export const QUEUE_NAME = 'ops';

/** Key namespace when none is given. @defaultValue 'cio' */
export const DEFAULT_NAMESPACE = 'cio';

/** Workspace name when there is only one. */
export const DEFAULT_WORKSPACE = 'default';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `value` can be a namespace or workspace name (letters, digits, `_`, `-`; at most 64). */
export function checkName(setting: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) throw new ConfigurationError(setting, 'letters, digits, "_" or "-" (1–64 characters)', JSON.stringify(value));
  return value;
}

/** One BullMQ queue: a shard of a workspace. */
export interface QueueLocation {
  readonly workspace: string;
  readonly shard: number;
  /** BullMQ `prefix`, e.g. `{cio:default}` or `{cio:default:1}`. */
  readonly prefix: string;
  /** BullMQ queue name: {@link QUEUE_NAME}. */
  readonly name: string;
}

/**
 * The queue of shard `shard` of `workspace`. Shard 0 has the workspace's own tag, so going from one shard
 * to several keeps the existing queue.
 *
 * @example queueLocation('cio', 'default', 0).prefix === '{cio:default}' // wait list: {cio:default}:ops:wait
 */
export function queueLocation(namespace: string, workspace: string, shard = 0): QueueLocation {
  const tag = shard === 0 ? `${namespace}:${workspace}` : `${namespace}:${workspace}:${shard}`;
  return { workspace, shard, prefix: `{${tag}}`, name: QUEUE_NAME };
}

/** The Redis key of a queue's BullMQ wait list, e.g. `{cio:default}:ops:wait` (what KEDA and monitors read). */
export function waitListKey(location: QueueLocation): string {
  return `${location.prefix}:${location.name}:wait`;
}

/** Keys of a workspace's token bucket: a hash with the budget and a "paused until" key set on a 429. */
export function bucketKeys(namespace: string, workspace: string): { readonly bucket: string; readonly paused: string } {
  const tag = `{${namespace}:${workspace}}`;
  return { bucket: `${tag}:bucket`, paused: `${tag}:paused` };
}

/** Keys of a queue's dead letter: a hash of records by id and a sorted set of ids by time of death. */
export function deadLetterKeys(location: QueueLocation): { readonly records: string; readonly index: string } {
  const base = `${location.prefix}:${location.name}:dead`;
  return { records: base, index: `${base}:index` };
}

/** Keys of the metrics channel: the registry of workers and the per-worker report key. */
export function metricsKeys(namespace: string): { readonly registry: string; readonly report: (workerId: string) => string } {
  const tag = `{${namespace}:metrics}`;
  return { registry: `${tag}:workers`, report: (workerId) => `${tag}:worker:${workerId}` };
}

/**
 * Keys of a workspace's bulk runs (the importer sharing the budget): the control hash the monitor writes
 * (`state` running | paused | cancelled, `at` when), the registry of runs (sorted set by last report) and
 * each run's report key (with a TTL, so a killed run disappears by itself). Same hash tag as the bucket.
 */
export function bulkRunKeys(namespace: string, workspace: string): { readonly control: string; readonly runs: string; readonly run: (runId: string) => string } {
  const tag = `{${namespace}:${workspace}}`;
  return { control: `${tag}:bulk:control`, runs: `${tag}:bulk:runs`, run: (runId) => `${tag}:bulk:run:${runId}` };
}
