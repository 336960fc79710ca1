import { PipelineMetrics } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { aggregateReports, MetricsChannel } from '../src/index.js';
import { freshNamespace } from './support/names.js';
import { useTestRedis } from './support/useTestRedis.js';

const ctx = useTestRedis();

describe('MetricsChannel', () => {
  it('lists live workers, aggregates them, and forgets a worker whose report expired or was withdrawn', async () => {
    const channel = new MetricsChannel(ctx.redis, { namespace: freshNamespace(), ttlMs: 300 });
    const snapshot = (delivered: number) => {
      const metrics = new PipelineMetrics();
      metrics.operationsEntered(delivered);
      metrics.requestStarted(100);
      metrics.requestFinished(40, 'rate_limited');
      return { ...metrics.snapshot(), delivered };
    };
    await channel.publish({ workerId: 'a', host: 'h', pid: 1, startedAt: 0, workspaces: { default: snapshot(10) } });
    await channel.publish({ workerId: 'b', host: 'h', pid: 2, startedAt: 0, workspaces: { default: snapshot(5) } });
    const totals = aggregateReports(await channel.list(), 'default');
    expect(totals).toMatchObject({ workers: 2, delivered: 15, requests: 2, rateLimited: 2 });
    await channel.withdraw('a');
    expect((await channel.list()).map((report) => report.workerId)).toEqual(['b']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await channel.list()).toEqual([]);
  });
});
