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

/** Reads a workspace's budget without taking a token (creates it at core's `DEFAULT_BUDGET`, 100 req/s, burst 10, if missing). */
export async function readBudget(redis: RedisClient, workspace: string, namespace = DEFAULT_NAMESPACE): Promise<TokenSourceState> {
  const keys = bucketKeys(checkName('namespace', namespace), checkName('workspace', workspace));
  return toState(await bucketCommands(redis).peek(keys.bucket, keys.paused, DEFAULT_BUDGET.rate, DEFAULT_BUDGET.burst));
}

function toState([, rate, ceiling, tokens, pausedUntil]: BucketReply): TokenSourceState {
  return { rate: Number(rate), ceiling: Number(ceiling), tokens: Number(tokens), pausedUntil: Number(pausedUntil) };
}
