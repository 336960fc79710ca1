import { firstValueFrom } from 'rxjs';
import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createRedisClient, readBudget, RedisTokenSource, setBudget } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

/** Takes tokens as fast as `sources` grant them for `ms`; returns how many were granted. */
async function grantedWithin(sources: RedisTokenSource[], ms: number): Promise<number> {
  const until = Date.now() + ms;
  let granted = 0;
  await Promise.all(
    sources.flatMap((source) =>
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          await firstValueFrom(source.take());
          if (Date.now() <= until) granted += 1;
        }
      }),
    ),
  );
  return granted;
}

describe('RedisTokenSource', () => {
  it('lets out the burst at once, then the rate — one budget for all sources of a workspace', async () => {
    const namespace = freshNamespace();
    // four "workers" sharing one 50 req/s, burst 5 budget
    const sources = Array.from({ length: 4 }, () => new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 50, burst: 5 }));
    const granted = await grantedWithin(sources, 1_000);
    expect(granted).toBeLessThanOrEqual(50 + 5 + 1);
    expect(granted).toBeGreaterThanOrEqual(25);
  });

  it('a 429 seen by one source pauses every source of the workspace and halves the shared rate', async () => {
    const namespace = freshNamespace();
    const a = new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 100, burst: 5 });
    const b = new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 100, burst: 5 });
    await firstValueFrom(a.take());
    a.penalize(400);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const waited = await firstValueFrom(b.take());
    expect(waited).toBeGreaterThanOrEqual(300);
    const state = await b.refresh();
    expect(state.rate).toBe(50);
    expect(state.ceiling).toBe(100);
  });

  it('keeps the budget in Redis: setBudget changes it for every worker live', async () => {
    const namespace = freshNamespace();
    const source = new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 1_000, burst: 2 });
    await source.refresh();
    await setBudget(ctx.redis, 'w', { rate: 20, burst: 2 }, namespace);
    const granted = await grantedWithin([source], 1_000);
    expect(granted).toBeLessThanOrEqual(20 + 2 + 1);
    expect((await readBudget(ctx.redis, 'w', namespace))?.ceiling).toBe(20);
  });

  it('grows the rate back after a 429 as successes are reported', async () => {
    const namespace = freshNamespace();
    const source = new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: 100, burst: 5, increasePerSecond: 500 });
    source.penalize(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await source.refresh()).rate).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 150));
    source.reward();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await source.refresh()).rate).toBe(100);
  });
});
