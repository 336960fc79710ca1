import { ConfigurationError, DEFAULT_BUDGET } from '@cioscale/core';
import { bucketCommands, type LanesReply } from './bucketCommands.js';
import type { RedisClient } from './connection.js';
import { bucketKeys, checkName, DEFAULT_NAMESPACE } from './keys.js';

/**
 * A lane of a workspace's budget. `live` (the fleet's) gets what it needs first; `bulk` (a backfill, the
 * importer's when it shares the budget) gets the rest, never less than its floor and never more than its
 * ceiling. The split is made atomically in the bucket's Lua (bucketScripts.ts).
 */
export type Lane = 'live' | 'bulk';

/** The lanes a sender may name. */
export const LANES: readonly Lane[] = ['live', 'bulk'];

/** Whether bulk is inside its quiet hours (`in`: it may use the whole budget), outside (`out`: its floor), or has none. */
export type BulkWindowState = 'in' | 'out' | undefined;

/** Throws a ConfigurationError naming `setting` unless `value` is a lane. */
export function checkLane(setting: string, value: unknown): Lane {
  if (value === 'live' || value === 'bulk') return value;
  throw new ConfigurationError(setting, '"live" or "bulk"', JSON.stringify(value));
}

/** One lane as {@link readLanes} found it; rates are requests/s averaged over about the last second. */
export interface LaneReading {
  /** Requests granted per second. */
  readonly rate: number;
  /** Requests per second asking for a token for the first time: the lane's demand. */
  readonly asking: number;
  /** `rate` as a fraction of the budget in force. */
  readonly share: number;
  /** Requests waiting for a token, on average over about the last second: the lane's unmet demand. */
  readonly waiting: number;
  /** Requests granted since the bucket was created. */
  readonly granted: number;
  /** Requests that asked for a token since the bucket was created (granted, waiting or given up). */
  readonly asked: number;
}

/** Both lanes of a workspace's budget. */
export interface LanesReading {
  readonly live: LaneReading;
  readonly bulk: LaneReading & {
    /** Guaranteed fraction of the budget while bulk asks. */
    readonly floor: number;
    /** Largest fraction of the budget (outside quiet hours). */
    readonly ceiling: number;
    /** Largest fraction bulk may take now: the ceiling, or 1 inside quiet hours and the floor outside them. */
    readonly cap: number;
    /** The quiet-hours state the bulk sender reported last. */
    readonly window: BulkWindowState;
    /** Whether a bulk sender asked within the last second. */
    readonly active: boolean;
  };
}

function toReading(reply: LanesReply): LanesReading {
  const [floor, ceiling, window, liveAsk, liveGot, liveCount, bulkAsk, bulkGot, bulkCount, rate, , active, cap, liveWait, bulkWait, liveAsks, bulkAsks] = reply.map((v, i) =>
    i === 2 || i === 11 ? v : Number(v ?? 0),
  ) as [number, number, string, number, number, number, number, number, number, number, number, string, number, number, number, number, number];
  const lane = (ask: number, got: number, granted: number, waiting: number, asked: number): LaneReading => ({ rate: got, asking: ask, share: rate > 0 ? got / rate : 0, waiting, granted, asked });
  return {
    live: lane(liveAsk, liveGot, liveCount, liveWait, liveAsks),
    bulk: { ...lane(bulkAsk, bulkGot, bulkCount, bulkWait, bulkAsks), floor, ceiling, cap, window: window === 'in' || window === 'out' ? window : undefined, active: active === '1' },
  };
}

/**
 * Reads both lanes of a workspace's budget as of now, writing nothing (a monitor).
 * @returns `null` until a worker (or `setBudget`) has created the bucket
 */
export async function readLanes(redis: RedisClient, workspace: string, namespace = DEFAULT_NAMESPACE): Promise<LanesReading | null> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  const reply = await bucketCommands(redis).readLanes(keys.bucket, keys.paused);
  return reply === null ? null : toReading(reply);
}

/**
 * Sets bulk's floor and/or ceiling, fractions of the budget in [0, 1], live: every sender follows at its
 * next take. A floor above the ceiling lifts the ceiling to it.
 *
 * @example await setLaneShares(redis, 'default', { floor: 0.2 });
 */
export async function setLaneShares(redis: RedisClient, workspace: string, shares: { floor?: number; ceiling?: number }, namespace = DEFAULT_NAMESPACE): Promise<LanesReading> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  for (const [name, value] of Object.entries(shares)) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) throw ConfigurationError.option(`bulk ${name}`, 'a fraction of the budget from 0 to 1', value);
  }
  const reply = await bucketCommands(redis).setLanes(keys.bucket, keys.paused, DEFAULT_BUDGET.rate, DEFAULT_BUDGET.burst, shares.floor ?? '', shares.ceiling ?? '');
  return toReading(reply);
}
