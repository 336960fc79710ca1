import type { MetricsSnapshot } from '@cioscale/core';
import type { RedisClient } from './connection.js';
import { checkName, DEFAULT_NAMESPACE, metricsKeys } from './keys.js';

/** What one worker publishes about itself. */
export interface WorkerReport {
  /** Unique per process, e.g. `host-pid-random`. */
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  /** When the worker started, ms since the epoch. */
  readonly startedAt: number;
  /** The pipeline snapshot of each workspace the worker serves. */
  readonly workspaces: Readonly<Record<string, MetricsSnapshot>>;
}

/**
 * Where workers publish their snapshots and monitors read them. Each report lives under its own key with a
 * TTL, so a killed worker disappears by itself; a sorted set (same hash tag) lists who reported lately.
 */
export class MetricsChannel {
  private readonly keys: ReturnType<typeof metricsKeys>;

  /**
   * @param options.ttlMs - how long a report stays without a refresh; @defaultValue 15_000
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { readonly namespace?: string; readonly ttlMs?: number } = {},
  ) {
    this.keys = metricsKeys(checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE));
  }

  /** Publishes (replaces) a worker's report. */
  async publish(report: WorkerReport): Promise<void> {
    const ttlMs = this.options.ttlMs ?? 15_000;
    const now = Date.now();
    await this.redis
      .multi()
      .set(this.keys.report(report.workerId), JSON.stringify(report), 'PX', ttlMs)
      .zadd(this.keys.registry, now, report.workerId)
      .zremrangebyscore(this.keys.registry, '-inf', now - ttlMs)
      .exec();
  }

  /** Removes a worker's report at once (on shutdown). */
  async withdraw(workerId: string): Promise<void> {
    await this.redis.multi().del(this.keys.report(workerId)).zrem(this.keys.registry, workerId).exec();
  }

  /** The live workers' reports. */
  async list(): Promise<WorkerReport[]> {
    const ids = await this.redis.zrangebyscore(this.keys.registry, Date.now() - (this.options.ttlMs ?? 15_000), '+inf');
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.keys.report(id)));
    return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as WorkerReport);
  }
}
