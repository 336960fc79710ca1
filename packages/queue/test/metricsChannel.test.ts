import { PipelineMetrics } from '@cioscale/core';
import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createRedisClient, MetricsChannel, readLiveWorkers } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

describe('MetricsChannel', () => {
  it('lists live workers, aggregates them, and forgets a worker whose report expired or was withdrawn', async () => {
    const channel = new MetricsChannel(ctx.redis, { namespace: freshNamespace(), ttlMs: 2_000 });
    // a TTL long enough that both reports are still live when read on a loaded machine; their expiry is awaited below
    const snapshot = (delivered: number) => {
      const metrics = new PipelineMetrics();
      metrics.operationsEntered(delivered);
      metrics.requestStarted(100);
      metrics.requestFinished(40, 'rate_limited');
      return { ...metrics.snapshot(), delivered };
    };
    await channel.publish({ workerId: 'a', host: 'h', pid: 1, startedAt: 0, workspaces: { default: snapshot(10) } });
    await channel.publish({ workerId: 'b', host: 'h', pid: 2, startedAt: 0, workspaces: { default: snapshot(5) } });
    const live = await readLiveWorkers(channel);
    const sum = (field: 'delivered' | 'requests' | 'rateLimited'): number => live.reduce((total, worker) => total + (worker.workspaces['default']?.[field] ?? 0), 0);
    const totals = { workers: live.length, delivered: sum('delivered'), requests: sum('requests'), rateLimited: sum('rateLimited') };
    expect(totals).toMatchObject({ workers: 2, delivered: 15, requests: 2, rateLimited: 2 });
    await channel.withdraw('a');
    expect((await channel.list()).map((report) => report.workerId)).toEqual(['b']);
    // b's report was never withdrawn: it must be forgotten once its TTL has passed
    await expect.poll(() => channel.list(), { timeout: 10_000, interval: 200 }).toEqual([]);
  });
});
