import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { one, render } from './render.js';
import type { Container } from './worker.js';
import { WORKER_HARD_STOP_AFTER_DEADLINE_MS, createWorkerMetrics, deployedEnv, readAsWorker, startHttpServer, workerContainer } from './worker.js';

const base = render('base');
const container = workerContainer(base);
const env = deployedEnv(base);
const { config, read } = readAsWorker(env);

interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string | number };
}
interface PodSpec {
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: Record<string, unknown>;
  readonly containers: readonly (Container & { readinessProbe?: Probe; livenessProbe?: Probe; resources?: { requests?: Record<string, string>; limits?: Record<string, string> }; securityContext?: Record<string, unknown> })[];
}
type Deployment = K8sObject & { spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const deployment = one<Deployment>(base, 'Deployment', 'cioscale-worker');
const pod = deployment.spec.template.spec;
const worker = pod.containers[0]!;
const podLabels = deployment.spec.template.metadata.labels;

/** The number of the container port a probe or Service names (by name or number). */
function containerPort(port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('the worker Deployment and the worker it runs', () => {
  it('sets only environment variables the worker reads', () => {
    expect([...env.keys()].filter((name) => !read.has(name))).toEqual([]);
  });

  it('sets a configuration the worker accepts', () => {
    expect(config.workspaces.length).toBeGreaterThan(0);
  });

  it('takes every workspace credential from a Secret, and keeps none in the ConfigMap', () => {
    for (const { workspace } of config.workspaces) {
      expect(env.get(workspace.siteIdEnv)?.source, workspace.siteIdEnv).toBe('secret');
      expect(env.get(workspace.apiKeyEnv)?.source, workspace.apiKeyEnv).toBe('secret');
    }
    const configMapNames = [...env].filter(([, variable]) => variable.source === 'configmap').map(([name]) => name);
    expect(configMapNames.filter((name) => /KEY|SECRET|PASSWORD|TOKEN/.test(name))).toEqual([]);
  });

  it('exposes the port the worker listens on', () => {
    expect(containerPort('http-metrics')).toBe(config.port);
  });

  it('gives the worker longer than its drain deadline and its own hard stop after it', () => {
    const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(graceMs).toBeGreaterThanOrEqual(config.drainTimeoutMs + WORKER_HARD_STOP_AFTER_DEADLINE_MS);
  });

  it('probes endpoints the worker serves: readiness on /readyz, liveness on /healthz, both on its port', async () => {
    expect(worker.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(worker.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(containerPort(worker.readinessProbe!.httpGet.port)).toBe(config.port);
    expect(containerPort(worker.livenessProbe!.httpGet.port)).toBe(config.port);

    let ready = true;
    const server = await startHttpServer(0, createWorkerMetrics().registry, { live: () => true, ready: () => ready });
    try {
      const url = (path: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
      expect((await fetch(url(worker.readinessProbe!.httpGet.path))).status).toBe(200);
      expect((await fetch(url(worker.livenessProbe!.httpGet.path))).status).toBe(200);
      ready = false;
      expect((await fetch(url(worker.readinessProbe!.httpGet.path))).status).toBe(503);
    } finally {
      server.close();
    }
  });

  it('runs as non-root on a read-only root filesystem, without privilege escalation or capabilities', () => {
    expect(pod.securityContext?.['runAsNonRoot']).toBe(true);
    expect(worker.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('requests and limits CPU and memory', () => {
    expect(Object.keys(worker.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(worker.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
  });

  it('leaves the replica count to the autoscaler', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
  });
});

describe('the objects around the Deployment', () => {
  type Service = K8sObject & { spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] } };
  const service = one<Service>(base, 'Service', 'cioscale-worker');

  it('a Service that selects the worker pods and reaches their metrics port', () => {
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports.map((port) => containerPort(port.targetPort))).toEqual([config.port]);
  });

  it('a ServiceMonitor that scrapes that Service on a path the worker serves its metrics on', async () => {
    const monitor = one<K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } }>(base, 'ServiceMonitor');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints.map((endpoint) => endpoint.port)).toEqual(service.spec.ports.map((port) => port.name));

    const server = await startHttpServer(0, createWorkerMetrics().registry, { live: () => true, ready: () => true });
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${monitor.spec.endpoints[0]!.path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('cioscale_queue_jobs');
    } finally {
      server.close();
    }
  });

  it('a PodDisruptionBudget over the same pods', () => {
    const pdb = one<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(base, 'PodDisruptionBudget');
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
  });

  it('all in one namespace', () => {
    expect(new Set(base.filter((object) => object.kind !== 'Namespace').map((object) => object.metadata.namespace))).toEqual(new Set([one(base, 'Namespace').metadata.name]));
  });
});
