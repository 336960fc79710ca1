/**
 * What the cluster enforces or the operator relies on: the namespace's Pod Security level and pods
 * that meet it, Redis credentials only from a Secret (for the worker and for KEDA alike), the TLS
 * switch, the NetworkPolicy's ports, and memory sized from a measured peak.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { K8S_DIR, KUSTOMIZATIONS, one, render } from './render.js';
import { deployedEnv, readAsWorker } from './worker.js';

interface Container {
  readonly name: string;
  readonly securityContext?: { allowPrivilegeEscalation?: boolean; privileged?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[]; add?: string[] }; seccompProfile?: { type: string } };
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  readonly securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly containers: readonly Container[];
  readonly volumes?: readonly Record<string, unknown>[];
}
const podSpecs = (objects: readonly K8sObject[]): { name: string; spec: PodSpec }[] =>
  objects.filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind)).map((object) => ({ name: object.metadata.name, spec: (object as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec }));

/** The checks of Pod Security's `restricted` profile that these pods could fail; [] when it admits the pod. */
function restrictedViolations(pod: PodSpec): string[] {
  const violations: string[] = [];
  if (pod.hostNetwork || pod.hostPID) violations.push('host namespaces');
  if (pod.volumes?.some((volume) => 'hostPath' in volume)) violations.push('hostPath volume');
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    if (context.privileged) violations.push(`${container.name}: privileged`);
    if (context.allowPrivilegeEscalation !== false) violations.push(`${container.name}: allowPrivilegeEscalation must be false`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) violations.push(`${container.name}: capabilities must drop ALL`);
    if ((context.capabilities?.add ?? []).some((capability) => capability !== 'NET_BIND_SERVICE')) violations.push(`${container.name}: adds capabilities`);
    if ((context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) violations.push(`${container.name}: runAsNonRoot`);
    const seccomp = (context.seccompProfile ?? pod.securityContext?.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push(`${container.name}: seccompProfile RuntimeDefault`);
  }
  return violations;
}

describe('Pod Security', () => {
  it('the namespace enforces, audits and warns at `restricted`', () => {
    expect(one(render('base'), 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it.each(KUSTOMIZATIONS)('every pod of %s is admitted by `restricted`', (kustomization) => {
    for (const { name, spec } of podSpecs(render(kustomization))) expect(restrictedViolations(spec), name).toEqual([]);
  });

  it('the check refuses a pod `restricted` refuses', () => {
    expect(restrictedViolations({ containers: [{ name: 'c', securityContext: { capabilities: { drop: ['NET_RAW'] } } }] })).toEqual([
      'c: allowPrivilegeEscalation must be false',
      'c: capabilities must drop ALL',
      'c: runAsNonRoot',
      'c: seccompProfile RuntimeDefault',
    ]);
  });
});

describe.each(['base', 'overlays/keda', 'overlays/dev'] as const)('Redis credentials in %s', (kustomization) => {
  const objects = render(kustomization);
  const env = deployedEnv(objects);

  it('come from a Secret through secretKeyRef, and REDIS_URL carries only a reference to it', () => {
    expect(env.get('REDIS_PASSWORD')?.source).toBe('secret');
    const url = env.get('REDIS_URL');
    expect(url?.source).toBe('literal');
    expect(url?.references).toEqual(['REDIS_PASSWORD']);
    expect(readAsWorker(env).read.has('REDIS_PASSWORD')).toBe(true);
  });

  it('are in no ConfigMap', () => {
    for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
      const data = (configMap as unknown as { data?: Record<string, string> }).data ?? {};
      expect(Object.keys(data).filter((key) => /^REDIS_(URL|PASSWORD)$/.test(key)), configMap.metadata.name).toEqual([]);
      expect(Object.values(data).filter((value) => /rediss?:\/\/[^@/]*@/.test(value)), configMap.metadata.name).toEqual([]);
    }
  });
});

describe('KEDA’s access to Redis', () => {
  const keda = render('overlays/keda');
  type Trigger = { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } };
  const scaledObject = one<K8sObject & { spec: { minReplicaCount: number; maxReplicaCount: number; fallback?: { failureThreshold: number; replicas: number }; triggers: Trigger[] } }>(keda, 'ScaledObject');
  const redisTrigger = scaledObject.spec.triggers.find((trigger) => trigger.type === 'redis')!;
  const { config } = readAsWorker(deployedEnv(keda));

  it('authenticates with the password the worker uses: the same Secret and key', () => {
    const auth = one<K8sObject & { spec: { secretTargetRef: { parameter: string; name: string; key: string }[] } }>(keda, 'TriggerAuthentication', redisTrigger.authenticationRef?.name);
    const password = auth.spec.secretTargetRef.find((ref) => ref.parameter === 'password');
    expect(`secret:${password?.name}/${password?.key}`).toBe(deployedEnv(keda).get('REDIS_PASSWORD')?.value);
  });

  it('switches TLS on exactly when the worker’s REDIS_URL is rediss://', () => {
    expect(redisTrigger.metadata['enableTLS']).toBe(String(new URL(config.redis as string).protocol === 'rediss:'));
  });

  it('falls back to a pod count within the bounds when it cannot read the list', () => {
    expect(scaledObject.spec.fallback?.failureThreshold).toBeGreaterThanOrEqual(1);
    expect(scaledObject.spec.fallback?.replicas).toBeGreaterThanOrEqual(scaledObject.spec.minReplicaCount);
    expect(scaledObject.spec.fallback?.replicas).toBeLessThanOrEqual(scaledObject.spec.maxReplicaCount);
  });

  it('needs no Prometheus Operator: the overlay renders none of its kinds', () => {
    expect(keda.filter((object) => object.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
  });
});

describe('the NetworkPolicy', () => {
  const base = render('base');
  type Port = { port: number | string; protocol: string };
  type Rule = { ports?: Port[]; from?: Record<string, unknown>[]; to?: Record<string, unknown>[] };
  const policy = one<K8sObject & { spec: { policyTypes: string[]; ingress: Rule[]; egress: Rule[] } }>(base, 'NetworkPolicy');
  const container = one<K8sObject & { spec: { template: { spec: { containers: { ports: { name: string; containerPort: number }[] }[] } } } }>(base, 'Deployment').spec.template.spec.containers[0]!;
  const { config } = readAsWorker(deployedEnv(base));
  const portNumber = (port: number | string): number | undefined => (typeof port === 'number' ? port : container.ports.find((candidate) => candidate.name === port)?.containerPort);
  const egressPorts = policy.spec.egress.flatMap((rule) => (rule.ports ?? []).map((port) => `${port.protocol}/${portNumber(port.port)}`));

  it('restricts both directions', () => {
    expect([...policy.spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
  });

  it('lets in only the monitoring namespace, only on the worker’s metrics port', () => {
    expect(policy.spec.ingress.flatMap((rule) => (rule.ports ?? []).map((port) => portNumber(port.port)))).toEqual([config.port]);
    expect(policy.spec.ingress.flatMap((rule) => rule.from ?? [])).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  it('lets out DNS, the port of the worker’s Redis and HTTPS to the Track API', () => {
    const redisPort = Number(new URL(config.redis).port || 6379);
    expect(egressPorts.sort()).toEqual([`TCP/${redisPort}`, 'TCP/443', 'TCP/53', 'UDP/53'].sort());
  });
});

describe('the worker’s memory', () => {
  const deploymentFile = readFileSync(join(K8S_DIR, 'base', 'deployment.yaml'), 'utf8');
  const measured = /measured peak RSS: (\d+) MiB/.exec(deploymentFile);
  const worker = one<K8sObject & { spec: { template: { spec: { containers: Container[] } } } }>(render('base'), 'Deployment').spec.template.spec.containers[0]!;
  const mebibytes = (quantity: string | undefined): number => Number(/^(\d+)Mi$/.exec(quantity ?? '')?.[1] ?? Number.NaN);

  it('is requested above the measured peak written beside it, with a limit above the request', () => {
    expect(measured, 'base/deployment.yaml names its "measured peak RSS: N MiB"').not.toBeNull();
    expect(mebibytes(worker.resources?.requests?.['memory'])).toBeGreaterThanOrEqual(Number(measured![1]));
    expect(mebibytes(worker.resources?.limits?.['memory'])).toBeGreaterThan(mebibytes(worker.resources?.requests?.['memory']));
  });
});
