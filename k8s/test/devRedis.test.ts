import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { one, render } from './render.js';
import type { TestRedis } from './redisServer.js';
import { startRedis } from './redisServer.js';
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

let redis: TestRedis;
beforeAll(async () => {
  // The manifest's own flags, so a typo in them fails here as it would fail the pod.
  redis = await startRedis(args);
});
afterAll(async () => {
  await redis?.close();
});

describe('the dev overlay’s Redis', () => {
  it('runs redis-server with flags it accepts, giving BullMQ noeviction and an append-only file', async () => {
    expect(redisContainer.command).toEqual(['redis-server']);
    expect(await redis.client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await redis.client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
  });

  it('is the Redis the worker’s REDIS_URL names: a Service of that name and port over the StatefulSet', () => {
    const { config } = readAsWorker(deployedEnv(dev));
    const url = new URL(config.redis as string);
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
