import { DEFAULT_BUDGET, type TokenSourceState } from '@cioscale/core';
import { bucketCommands, type BucketReply } from './bucketCommands.js';
import type { RedisClient } from './connection.js';
import { bucketKeys, checkName, DEFAULT_NAMESPACE } from './keys.js';

/**
 * Changes a workspace's budget live; every worker follows within its poll interval.
 *
 * @param budget.rate - new ceiling, requests/s
 * @param budget.burst - new burst; @defaultValue unchanged
 * @example await setBudget(redis, 'default', { rate: 50 });
 */
export async function setBudget(redis: RedisClient, workspace: string, budget: { rate: number; burst?: number }, namespace = DEFAULT_NAMESPACE): Promise<TokenSourceState> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  const burst = budget.burst ?? DEFAULT_BUDGET.burst;
  return toState(await bucketCommands(redis).setBudget(keys.bucket, keys.paused, budget.rate, burst, budget.rate, budget.burst ?? ''));
}

/**
 * Applies a worker's configured budget (`CIO_RATE_LIMIT` / the workspaces file) at start — only if it
 * differs from the configuration the last starting worker applied, which the bucket remembers as
 * `configured_by_env`. So restarting a fleet with a new value takes effect, while a budget changed live
 * with {@link setBudget} (the monitor) survives restarts of workers configured as before.
 *
 * @returns whether the configured budget was applied, and the bucket now
 */
export async function applyConfiguredBudget(
  redis: RedisClient,
  workspace: string,
  budget: { rate: number; burst: number },
  namespace = DEFAULT_NAMESPACE,
): Promise<{ applied: boolean; state: TokenSourceState }> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  const reply = await bucketCommands(redis).configure(keys.bucket, keys.paused, budget.rate, budget.burst, budget.rate, budget.burst, `${budget.rate}/${budget.burst}`);
  return { applied: Number(reply[0]) === 1, state: toState(reply) };
}

/** A workspace's token bucket as {@link readBudget} found it. */
export interface BudgetReading {
  /** The budget, requests/s. */
  readonly ceiling: number;
  /** The rate in force after 429s (AIMD), requests/s; equals `ceiling` when healthy. */
  readonly rate: number;
  readonly burst: number;
  /** Tokens as of the last take, refilled to Redis's clock at read time. */
  readonly tokens: number;
  /** End of the fleet-wide pause after a 429, ms since the epoch on the reader's clock; 0 when not paused. */
  readonly pausedUntil: number;
}

/**
 * Reads a workspace's budget as of now and writes nothing: the tokens are refilled by the bucket scripts'
 * own code, but not saved, and a missing bucket stays missing — a monitor must not create a budget it only
 * watches (that is the workers' configuration, or {@link setBudget}).
 *
 * @returns `null` until a worker (or `setBudget`) has created the bucket
 * @example (await readBudget(redis, 'default'))?.ceiling // 100
 */
export async function readBudget(redis: RedisClient, workspace: string, namespace = DEFAULT_NAMESPACE): Promise<BudgetReading | null> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  const reply = await bucketCommands(redis).read(keys.bucket, keys.paused);
  if (reply === null) return null;
  const [pauseMs, rate, ceiling, tokens, , burst] = reply;
  // Redis measures how long the pause lasts; its end goes on this host's clock, the one a reader compares it with
  return { ceiling: Number(ceiling), rate: Number(rate), burst: Number(burst), tokens: Number(tokens), pausedUntil: pauseMs > 0 ? Date.now() + Number(pauseMs) : 0 };
}

function toState([, rate, ceiling, tokens, pausedUntil]: BucketReply): TokenSourceState {
  return { rate: Number(rate), ceiling: Number(ceiling), tokens: Number(tokens), pausedUntil: Number(pausedUntil) };
}
