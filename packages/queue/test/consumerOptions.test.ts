import { ConfigurationError, type Transport } from '@cioscale/core';
import { describe, expect, it, vi } from 'vitest';
import { createConsumer, defaultWorkspace, readBudget, type ConsumerOptions } from '../src/index.js';
import { freshNamespace } from './support/names.js';
import { useTestRedis } from './support/useTestRedis.js';

const ctx = useTestRedis();

describe('createConsumer options', () => {
  it.each<[string, Partial<ConsumerOptions>]>([
    ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -5 } }],
    ['batch.maxOperations', { batch: { maxOperations: 0 } }],
    ['concurrency', { requestConcurrency: 0 }],
  ])('a bad %s is a ConfigurationError at start — never a first-batch failure taken for bad credentials', async (name, options) => {
    const namespace = freshNamespace();
    const transport = vi.fn<Transport>();
    const create = () => createConsumer({ redis: ctx.redis, namespace, workspace: defaultWorkspace({ rate: 40 }), transport, ...options });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`option "${name}"`);
    expect(transport).not.toHaveBeenCalled();
    // nothing was started: the configured budget was never written
    expect(await ctx.redis.keys(`*${namespace}*`)).toEqual([]);
    await expect(readBudget(ctx.redis, 'default', namespace)).resolves.toMatchObject({ ceiling: 100 });
  });
});
