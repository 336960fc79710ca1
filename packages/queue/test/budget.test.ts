import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { applyConfiguredBudget, bucketKeys, createRedisClient, readBudget, setBudget } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

describe('applyConfiguredBudget (CIO_RATE_LIMIT at worker start)', () => {
  it('creates a missing bucket with the configured budget and remembers it as configured_by_env', async () => {
    const namespace = freshNamespace();
    const { applied, state } = await applyConfiguredBudget(ctx.redis, 'w', { rate: 80, burst: 8 }, namespace);
    expect(applied).toBe(true);
    expect(state).toMatchObject({ ceiling: 80, rate: 80 });
    expect(await ctx.redis.hget(bucketKeys(namespace, 'w').bucket, 'configured_by_env')).toBe('80/8');
  });

  it('keeps a budget changed live when workers restart with the configuration they had', async () => {
    const namespace = freshNamespace();
    await applyConfiguredBudget(ctx.redis, 'w', { rate: 100, burst: 10 }, namespace);
    await setBudget(ctx.redis, 'w', { rate: 40 }, namespace);
    const restart = await applyConfiguredBudget(ctx.redis, 'w', { rate: 100, burst: 10 }, namespace);
    expect(restart.applied).toBe(false);
    expect((await readBudget(ctx.redis, 'w', namespace))?.ceiling).toBe(40);
  });

  it('applies a new configured budget over a live one: a fleet restarted with a new CIO_RATE_LIMIT gets it', async () => {
    const namespace = freshNamespace();
    await applyConfiguredBudget(ctx.redis, 'w', { rate: 100, burst: 10 }, namespace);
    await setBudget(ctx.redis, 'w', { rate: 40 }, namespace);
    const changed = await applyConfiguredBudget(ctx.redis, 'w', { rate: 60, burst: 10 }, namespace);
    expect(changed.applied).toBe(true);
    expect((await readBudget(ctx.redis, 'w', namespace))?.ceiling).toBe(60);
    // the rest of the fleet, started with the same new value, changes nothing
    await setBudget(ctx.redis, 'w', { rate: 30 }, namespace);
    expect((await applyConfiguredBudget(ctx.redis, 'w', { rate: 60, burst: 10 }, namespace)).applied).toBe(false);
    expect((await readBudget(ctx.redis, 'w', namespace))?.ceiling).toBe(30);
    // a changed burst alone is a new configuration too
    expect((await applyConfiguredBudget(ctx.redis, 'w', { rate: 60, burst: 20 }, namespace)).applied).toBe(true);
    expect((await readBudget(ctx.redis, 'w', namespace))?.ceiling).toBe(60);
  });
});
