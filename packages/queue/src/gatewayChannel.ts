import type { RedisClient } from './connection.js';
import { checkName, DEFAULT_NAMESPACE } from './keys.js';

/** One workspace as a gateway saw it over its last report interval. */
export interface GatewayWorkspaceReport {
  /** Calls answered 200 (or 207 with some operations accepted), total since start. */
  readonly accepted: number;
  /** Operations enqueued, total since start. */
  readonly acceptedOperations: number;
  /** Calls refused, total since start, by reason (`unauthorized` is counted under the gateway, not a workspace). */
  readonly refused: Readonly<Record<string, number>>;
  /** Accepted calls per second over the last interval. */
  readonly acceptedPerSecond: number;
  /** Refused calls per second over the last interval, by reason. */
  readonly refusedPerSecond: Readonly<Record<string, number>>;
  /** The backlog the gateway last read, and its limit; `refusing` while it answers 429. */
  readonly backlog: number;
  readonly backlogLimit: number;
  readonly refusing: boolean;
  /** Why it answers 429: the backlog's depth or its drain ETA; absent while it does not. */
  readonly refusal?: 'backlog' | 'drain_eta';
  /** Operations/s the workers finished over the drain window; absent while the ETA limit is off or not yet measured. */
  readonly drainPerSecond?: number;
  /** The drain ETA, s: `null` while nothing drains and something waits; absent like `drainPerSecond`. */
  readonly drainEtaSeconds?: number | null;
  /** The drain ETA past which it answers 429, s; absent while that limit is off. */
  readonly maxDrainSeconds?: number;
}

/** What one gateway process publishes about itself. */
export interface GatewayReport {
  readonly gatewayId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  /** Calls that named no workspace (wrong credentials, unknown path), by reason, per second. */
  readonly unattributedPerSecond: Readonly<Record<string, number>>;
  readonly workspaces: Readonly<Record<string, GatewayWorkspaceReport>>;
}

/** Keys of the gateways' reports: same hash tag as the workers' metrics channel (`{ns:metrics}`). */
export function gatewayReportKeys(namespace: string): { readonly registry: string; readonly report: (gatewayId: string) => string } {
  const tag = `{${namespace}:metrics}`;
  return { registry: `${tag}:gateways`, report: (gatewayId) => `${tag}:gateway:${gatewayId}` };
}

/**
 * Where gateways publish what they accept and refuse, and monitors read it: the workers' metrics channel
 * pattern — a report per process under its own key with a TTL (a killed gateway disappears by itself) and
 * a sorted set of who reported lately.
 */
export class GatewayChannel {
  private readonly keys: ReturnType<typeof gatewayReportKeys>;
  private readonly ttlMs: number;

  /** @param options.ttlMs - how long a report stays without a refresh; @defaultValue 15_000 */
  constructor(
    private readonly redis: RedisClient,
    options: { readonly namespace?: string; readonly ttlMs?: number } = {},
  ) {
    this.keys = gatewayReportKeys(checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE));
    this.ttlMs = options.ttlMs ?? 15_000;
  }

  async publish(report: GatewayReport): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .set(this.keys.report(report.gatewayId), JSON.stringify(report), 'PX', this.ttlMs)
      .zadd(this.keys.registry, now, report.gatewayId)
      .zremrangebyscore(this.keys.registry, '-inf', now - this.ttlMs)
      .exec();
  }

  /** Removes a gateway's report at once (on shutdown). */
  async withdraw(gatewayId: string): Promise<void> {
    await this.redis.multi().del(this.keys.report(gatewayId)).zrem(this.keys.registry, gatewayId).exec();
  }

  /** The live gateways' reports. Writes nothing. */
  async list(): Promise<GatewayReport[]> {
    const ids = await this.redis.zrangebyscore(this.keys.registry, Date.now() - this.ttlMs, '+inf');
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.keys.report(id)));
    return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as GatewayReport);
  }
}
