import { CONFIGURE_SCRIPT, PEEK_SCRIPT, PENALIZE_SCRIPT, READ_LANES_SCRIPT, READ_SCRIPT, REWARD_SCRIPT, SET_BUDGET_SCRIPT, SET_LANES_SCRIPT, TAKE_SCRIPT } from './bucketScripts.js';
import type { RedisClient } from './connection.js';

/** A bucket script's reply: `[waitMs, rate, ceiling, tokens, pausedUntil, burst]`. */
export type BucketReply = [number, string, string, string, string, string];

/** The lanes scripts' reply: `[floor, ceiling, window, liveAsk, liveGot, liveCount, bulkAsk, bulkGot, bulkCount, rate, budget, bulkActive, bulkCap, liveWait, bulkWait]`. */
export type LanesReply = string[];

type BucketCommand = (bucket: string, paused: string, ...args: (string | number)[]) => Promise<BucketReply>;

/** The bucket scripts as ioredis commands (EVALSHA, falling back to EVAL once per connection). */
export interface BucketCommands {
  readonly take: BucketCommand;
  readonly penalize: BucketCommand;
  readonly reward: BucketCommand;
  readonly setBudget: BucketCommand;
  readonly peek: BucketCommand;
  readonly configure: BucketCommand;
  /** The read-only script: `null` when there is no bucket; the first slot is the remaining pause, ms. */
  readonly read: (bucket: string, paused: string) => Promise<BucketReply | null>;
  /** Sets bulk's floor and ceiling (ARGV: rate, burst for a missing bucket, floor, ceiling). */
  readonly setLanes: (bucket: string, paused: string, ...args: (string | number)[]) => Promise<LanesReply>;
  /** The read-only lanes script: `null` when there is no bucket. */
  readonly readLanes: (bucket: string, paused: string) => Promise<LanesReply | null>;
}

const SCRIPTS = {
  cioBucketTake: TAKE_SCRIPT,
  cioBucketPenalize: PENALIZE_SCRIPT,
  cioBucketReward: REWARD_SCRIPT,
  cioBucketSetBudget: SET_BUDGET_SCRIPT,
  cioBucketPeek: PEEK_SCRIPT,
  cioBucketConfigure: CONFIGURE_SCRIPT,
  cioBucketRead: READ_SCRIPT,
  cioBucketSetLanes: SET_LANES_SCRIPT,
  cioBucketReadLanes: READ_LANES_SCRIPT,
};

/** Defines the scripts on `redis` (once; later calls reuse them) and returns them. */
export function bucketCommands(redis: RedisClient): BucketCommands {
  const commands = redis as unknown as Record<string, BucketCommand | undefined>;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (typeof commands[name] !== 'function') redis.defineCommand(name, { numberOfKeys: 2, lua });
  }
  const bind = <C = BucketCommand>(name: keyof typeof SCRIPTS): C => (commands[name] as BucketCommand).bind(redis) as C;
  return {
    take: bind('cioBucketTake'),
    penalize: bind('cioBucketPenalize'),
    reward: bind('cioBucketReward'),
    setBudget: bind('cioBucketSetBudget'),
    peek: bind('cioBucketPeek'),
    configure: bind('cioBucketConfigure'),
    read: bind('cioBucketRead'),
    setLanes: bind('cioBucketSetLanes'),
    readLanes: bind('cioBucketReadLanes'),
  };
}
