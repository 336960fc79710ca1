import { createRedisClient } from '@cioscale/queue';
import { useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { one, render } from './render.js';
import { deployedEnv, readAsWorker } from './worker.js';

type StatefulSet = K8sObject & {
  spec: {
    serviceName: string;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; command?: string[]; args?: string[]; ports?: { name: string; containerPort: number }[] }[] } };
  };
};
type Service = K8sObject & { spec: { clusterIP?: string; selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } };

const dev = render('overlays/dev');
const statefulSet = one<StatefulSet>(dev, 'StatefulSet', 'redis');
const redisContainer = statefulSet.spec.template.spec.containers[0]!;
const args = redisContainer.args ?? [];

// The manifest's own flags and no defaults, so a typo in them fails here as it would fail the pod,
// and a flag they lack is not filled in by the test helper.
const ctx = useTestRedis((url) => createRedisClient(url, 'worker'), { exactArgs: args });

describe('the dev overlay’s Redis', () => {
  it('runs redis-server with flags it accepts, giving BullMQ noeviction and an append-only file', async () => {
    expect(redisContainer.command).toEqual(['redis-server']);
    expect(await ctx.redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await ctx.redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await ctx.redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
  });

  it('is the Redis the worker’s REDIS_URL names: a Service of that name and port over the StatefulSet', () => {
    const { config } = readAsWorker(deployedEnv(dev));
    const url = new URL(config.redis);
    const service = one<Service>(dev, 'Service', url.hostname);
    expect(service.spec.ports.map((port) => port.port)).toEqual([Number(url.port || 6379)]);
    expect(Object.entries(service.spec.selector).every(([key, value]) => statefulSet.spec.template.metadata.labels[key] === value)).toBe(true);
    expect(statefulSet.spec.serviceName).toBe(service.metadata.name);
    expect(service.spec.clusterIP).toBe('None');
  });

  it('leaves out what a bare local cluster lacks: the HPA’s External metric and the ServiceMonitor CRD', () => {
    expect(dev.map((object) => object.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(dev.map((object) => object.kind)).not.toContain('ServiceMonitor');
  });
});
