/**
 * The gateway's manifests (k8s/gateway) against the gateway as its own source defines it: the env it
 * reads, the port and probes it serves, the metric its HPA scales on — the same checks as the worker's.
 */
import { BacklogWatch, readGatewayConfig, type GatewayConfig, GatewayMetrics, createGatewayServer, listen } from '@cioscale/gateway';
import type { QueueShards } from '@cioscale/queue';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { one, render } from './render.js';
import { deployedEnv, workerContainer, WORKER_HARD_STOP_AFTER_DEADLINE_MS } from './worker.js';

const objects = render('gateway');
const container = workerContainer(objects, 'cioscale-gateway') as ReturnType<typeof workerContainer> & {
  readinessProbe?: { httpGet: { path: string; port: string | number } };
  livenessProbe?: { httpGet: { path: string; port: string | number } };
};
const env = deployedEnv(objects, 'cioscale-gateway');
const read = new Set<string>();
const config: GatewayConfig = readGatewayConfig(
  // a Secret's value stands in as `secret-<name>-<key>`: a site id may not hold the ":" of `secret:…`
  new Proxy(Object.fromEntries([...env].map(([name, variable]) => [name, variable.source === 'secret' ? variable.value.replace(/[:/]/g, '-') : variable.value])), {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  }),
);
for (const [name, variable] of env) if (read.has(name)) for (const reference of variable.references ?? []) read.add(reference);

type Deployment = K8sObject & { spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds?: number } } } };
const deployment = one<Deployment>(objects, 'Deployment', 'cioscale-gateway');
const podLabels = deployment.spec.template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean => Object.entries(selector).every(([key, value]) => labels[key] === value);
const containerPort = (port: string | number): number | undefined => (typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort);

/** The gateway's own HTTP server on a free port, with Redis stood in for by `ready`. */
async function gatewayServer(ready: () => boolean): Promise<{ url: (path: string) => string; close: () => void }> {
  const backlog = new BacklogWatch({ read: async () => [] } as unknown as QueueShards, [], config.maxBacklog);
  const metrics = new GatewayMetrics(config.workspaces.map((accepted) => accepted.workspace.name), backlog);
  const gateway = createGatewayServer({ config, producer: { enqueueMany: async () => [] }, backlog, metrics, redisReady: ready });
  const port = await listen(gateway, 0, '127.0.0.1');
  return { url: (path) => `http://127.0.0.1:${port}${path}`, close: () => gateway.server.close() };
}

describe('the gateway Deployment and the gateway it runs', () => {
  it('sets only environment variables the gateway reads, and a configuration it accepts', () => {
    expect([...env.keys()].filter((name) => !read.has(name))).toEqual([]);
    expect(config.workspaces.length).toBeGreaterThan(0);
  });

  it('takes the credentials callers must present from a Secret, and keeps none in the ConfigMap', () => {
    for (const { workspace } of config.workspaces) {
      expect(env.get(workspace.siteIdEnv)?.source).toBe('secret');
      expect(env.get(workspace.apiKeyEnv)?.source).toBe('secret');
    }
    expect([...env].filter(([name, variable]) => variable.source === 'configmap' && /KEY|SECRET|PASSWORD|TOKEN/.test(name))).toEqual([]);
    expect(env.get('REDIS_URL')?.references).toEqual(['REDIS_PASSWORD']);
  });

  it('exposes the port the gateway listens on, and gives it longer than its drain deadline and hard stop', () => {
    expect(containerPort('http')).toBe(config.port);
    expect((deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(config.drainTimeoutMs + WORKER_HARD_STOP_AFTER_DEADLINE_MS);
  });

  it('probes endpoints the gateway serves: readiness on /readyz (503 without Redis), liveness on /healthz', async () => {
    expect(container.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(containerPort(container.readinessProbe!.httpGet.port)).toBe(config.port);
    expect(containerPort(container.livenessProbe!.httpGet.port)).toBe(config.port);
    let ready = true;
    const server = await gatewayServer(() => ready);
    try {
      expect((await fetch(server.url('/readyz'))).status).toBe(200);
      ready = false;
      expect((await fetch(server.url('/readyz'))).status).toBe(503);
      expect((await fetch(server.url('/healthz'))).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('leaves the replica count to the HPA, which targets this Deployment', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = one<K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number } }>(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'cioscale-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });
});

describe('the objects around the gateway', () => {
  type Service = K8sObject & { spec: { selector: Record<string, string>; ports: { name: string; targetPort: string | number }[] } };
  const service = one<Service>(objects, 'Service', 'cioscale-gateway');

  it('a Service that selects the gateway pods on the port the Track API is served on', () => {
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports.map((port) => containerPort(port.targetPort))).toEqual([config.port]);
  });

  it('a ServiceMonitor that scrapes a path where the gateway serves its request counter', async () => {
    const monitor = one<K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } }>(objects, 'ServiceMonitor');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    const server = await gatewayServer(() => true);
    try {
      await fetch(server.url('/api/v1/customers/1'), { method: 'PUT', body: '{}' });
      const text = await (await fetch(server.url(monitor.spec.endpoints[0]!.path))).text();
      expect(text).toContain('cioscale_gateway_requests_total{workspace="",outcome="unauthorized"} 1');
    } finally {
      server.close();
    }
  });

  it('a PodDisruptionBudget over the same pods', () => {
    const pdb = one<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(objects, 'PodDisruptionBudget');
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
  });
});

describe('the gateway’s NetworkPolicy', () => {
  type Port = { port: number | string; protocol: string };
  type Rule = { ports?: Port[]; from?: Record<string, unknown>[]; to?: Record<string, unknown>[] };
  const policy = one<K8sObject & { spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Rule[]; egress: Rule[] } }>(objects, 'NetworkPolicy', 'cioscale-gateway');
  const ports = (rules: Rule[]): string[] => rules.flatMap((rule) => (rule.ports ?? []).map((port) => `${port.protocol}/${containerPort(port.port)}`));

  it('selects the gateway pods and restricts both directions', () => {
    expect(matches(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
    expect([...policy.spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
  });

  it('lets in only the port the gateway serves, from the cluster’s pods and from the monitoring namespace’s Prometheus', () => {
    expect(new Set(ports(policy.spec.ingress))).toEqual(new Set([`TCP/${config.port}`]));
    expect(policy.spec.ingress.every((rule) => (rule.from ?? []).length > 0)).toBe(true);
    // no ipBlock: nothing outside the cluster reaches a gateway pod but through the cluster's own pods
    expect(policy.spec.ingress.flatMap((rule) => rule.from ?? [])).toEqual([{ namespaceSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  it('lets out DNS and the port of the gateway’s Redis only: no Customer.io, no anywhere', () => {
    const redisPort = typeof config.redis === 'string' ? Number(new URL(config.redis).port || 6379) : Number.NaN;
    expect(ports(policy.spec.egress).sort()).toEqual([`TCP/${redisPort}`, 'TCP/53', 'UDP/53'].sort());
    expect(JSON.stringify(policy.spec.egress)).not.toContain('ipBlock');
  });
});

describe('the HPA on request rate', () => {
  const hpa = one<K8sObject & { spec: { metrics: { type: string; pods?: { metric: { name: string } } }[] } }>(objects, 'HorizontalPodAutoscaler');
  const pods = hpa.spec.metrics.find((metric) => metric.type === 'Pods')?.pods;
  const adapter = one<K8sObject & { data: Record<string, string> }>(render('prometheus-adapter'), 'ConfigMap');
  const rules = (parse(adapter.data['config.yaml'] ?? '') as { rules?: { seriesQuery: string; name: { matches: string; as: string }; metricsQuery: string }[] }).rules ?? [];
  const rule = rules.find((candidate) => candidate.name.as === pods?.metric.name);

  it('reads a Pods metric the prometheus-adapter provides', () => {
    expect(pods?.metric.name).toBe('cioscale_gateway_requests_per_second');
    expect(rule).toBeDefined();
  });

  it('made from the gateway’s own counter, as a per-second rate', () => {
    const series = /^(\w+)\{/.exec(rule!.seriesQuery)?.[1];
    expect(new RegExp(rule!.name.matches).test(series!)).toBe(true);
    const backlog = new BacklogWatch({ read: async () => [] } as unknown as QueueShards, [], 1);
    expect(new GatewayMetrics([], backlog).registry.getSingleMetric(series!)?.constructor.name).toBe('Counter');
    expect(rule!.metricsQuery).toMatch(/rate\(<<\.Series>>\{<<\.LabelMatchers>>\}\[\d+m\]\)/);
  });
});
