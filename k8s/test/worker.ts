/**
 * The worker as its own source defines it: the env it reads, its metrics and its HTTP server. The
 * tests compare the manifests with these, never with copies of the names, so the two cannot drift.
 */
import { readWorkerConfig, type WorkerConfig, startHttpServer, createWorkerMetrics } from '@cioscale/worker';
import type { K8sObject } from './render.js';
import { one } from './render.js';

export { createWorkerMetrics, startHttpServer };

/**
 * The worker stops itself this long after its drain deadline, whatever hangs (apps/worker/src/main.ts:
 * `setTimeout(..., config.drainTimeoutMs + 5_000)`); the grace period must outlast both.
 */
export const WORKER_HARD_STOP_AFTER_DEADLINE_MS = 5_000;

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string }; readonly configMapKeyRef?: { readonly name: string; readonly key: string } };
}

export interface Container {
  readonly name: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly [field: string]: unknown;
}

/** The worker container of the rendered Deployment (or the first container of the Deployment `name`). */
export function workerContainer(objects: readonly K8sObject[], name = 'cioscale-worker'): Container {
  const deployment = one<{ spec: { template: { spec: { containers: Container[] } } } }>(objects, 'Deployment', name);
  const [container] = deployment.spec.template.spec.containers;
  if (!container) throw new Error('the worker Deployment has no container');
  return container;
}

/** Where each variable of the worker container comes from. */
export interface DeployedVariable {
  readonly value: string;
  readonly source: 'configmap' | 'secret' | 'literal';
  /** The variables its value was expanded from (`$(NAME)`). */
  readonly references?: readonly string[];
}

/**
 * The worker container's environment as the cluster would set it. Secret values are unknown here, so
 * they stand in as `secret:<name>/<key>`.
 */
export function deployedEnv(objects: readonly K8sObject[], deployment = 'cioscale-worker'): Map<string, DeployedVariable> {
  const container = workerContainer(objects, deployment);
  const env = new Map<string, DeployedVariable>();
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) throw new Error('only configMapRef is expected in envFrom: credentials are named one by one');
    const configMap = one<{ data?: Record<string, string> }>(objects, 'ConfigMap', from.configMapRef.name);
    for (const [name, value] of Object.entries(configMap.data ?? {})) env.set(name, { value, source: 'configmap' });
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret) env.set(variable.name, { value: `secret:${secret.name}/${secret.key}`, source: 'secret' });
    else if (variable.value !== undefined) env.set(variable.name, { value: expand(variable.value, env), source: 'literal', ...(references(variable.value).length > 0 && { references: references(variable.value) }) });
    else throw new Error(`${variable.name}: only values and secretKeyRef are expected`);
  }
  return env;
}

const REFERENCE = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

/** The variables a value names as `$(NAME)`, which the kubelet replaces with their values. */
function references(value: string): string[] {
  return [...value.matchAll(REFERENCE)].map((match) => match[1]!);
}

/**
 * The kubelet's expansion of `$(NAME)` with a variable defined before (envFrom first, then env in
 * order); an unknown name stays as written, as in Kubernetes. A Secret's value stands in as the URL-safe
 * `secret-<name>-<key>`, so a URL built from it still parses.
 */
function expand(value: string, env: ReadonlyMap<string, DeployedVariable>): string {
  return value.replace(REFERENCE, (whole, name: string) => {
    const variable = env.get(name);
    if (!variable) return whole;
    return variable.source === 'secret' ? variable.value.replace(/[:/]/g, '-') : variable.value;
  });
}

/** The worker's configuration for `env`, and every variable name it looked at while reading it. */
export function readAsWorker(env: ReadonlyMap<string, DeployedVariable>): { readonly config: WorkerConfig; readonly read: ReadonlySet<string> } {
  const read = new Set<string>();
  const values = Object.fromEntries([...env].map(([name, variable]) => [name, variable.value]));
  const recording = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  const config = readWorkerConfig(recording);
  // a variable the worker read whose value was expanded from others: those are read through it
  for (const [name, variable] of env) if (read.has(name)) for (const reference of variable.references ?? []) read.add(reference);
  return { config, read };
}
