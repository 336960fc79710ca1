import { ConfigurationError } from '@cioscale/core';
import type { SharedBudgetOptions } from './sharedBudget.js';

/**
 * The shared-budget part of the command line: `--redis` (else `REDIS_URL`), `--workspace`, `--namespace`
 * (else `CIO_QUEUE_NAMESPACE`, as the fleet), `--lane`, `--window`, `--window-tz`. Without a Redis URL the
 * import keeps its in-process budget, and the flags that only mean something with one are refused.
 *
 * `@cioscale/queue` (BullMQ, ioredis: ~35 MB of RSS) is loaded only when there is a Redis URL to check.
 */
export async function sharedBudgetOf(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{ sharedBudget?: SharedBudgetOptions }> {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name]) : undefined);
  const fromFlag = text('redis');
  const redisUrl = fromFlag ?? (env['REDIS_URL']?.trim() || undefined);
  if (redisUrl === undefined) {
    for (const [flag, name] of [['--workspace', 'workspace'], ['--namespace', 'namespace'], ['--lane', 'lane'], ['--window', 'window'], ['--window-tz', 'windowTz']] as const) {
      if (flags[name] !== undefined) throw new ConfigurationError(flag, 'used with --redis (or REDIS_URL): it is about the budget shared in Redis', JSON.stringify(flags[name]));
    }
    return {};
  }
  const { checkLane, checkName, checkRedisTarget, DEFAULT_NAMESPACE, DEFAULT_WORKSPACE, parseBulkWindow } = await import('@cioscale/queue');
  try {
    checkRedisTarget(redisUrl);
  } catch (error) {
    // the check names REDIS_URL; the user may have typed --redis
    if (fromFlag !== undefined) throw new ConfigurationError('--redis', 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379', '(not one)', { cause: error });
    throw error;
  }
  const lane = checkLane('--lane', text('lane') ?? 'bulk');
  const windowText = text('window');
  if (windowText === undefined && flags['windowTz'] !== undefined) throw new ConfigurationError('--window-tz', 'used with --window', JSON.stringify(flags['windowTz']));
  if (windowText !== undefined && lane !== 'bulk') throw new ConfigurationError('--window', 'used with the bulk lane (quiet hours are bulk traffic\'s)', JSON.stringify(windowText));
  return {
    sharedBudget: {
      redisUrl,
      workspace: checkName('--workspace', text('workspace') ?? DEFAULT_WORKSPACE),
      namespace: checkName(text('namespace') !== undefined ? '--namespace' : 'CIO_QUEUE_NAMESPACE', text('namespace') ?? (env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE)),
      lane,
      window: windowText === undefined ? undefined : parseBulkWindow(windowText, text('windowTz')),
    },
  };
}
