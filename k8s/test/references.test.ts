/**
 * Every rendered kustomization as one apply: all its namespaced objects in one namespace, and every
 * name one object uses to find another resolves inside it — or, for a Secret, is one k8s/README.md
 * tells the user to create. An object a cluster would accept but that finds nothing (a ScaledObject
 * whose Deployment lives elsewhere, a Service selecting no pod) fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from './render.js';
import { K8S_DIR, KUSTOMIZATIONS, render } from './render.js';

/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set(['Namespace']);

/** The Secrets the README's `kubectl create secret generic NAME` commands create. */
const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
const documentedSecrets = new Set([...readme.matchAll(/create secret generic ([\w-]+)/g)].map((match) => match[1]!));

type Labels = Record<string, string>;
interface PodTemplate {
  readonly metadata: { readonly labels?: Labels };
  readonly spec: {
    readonly serviceAccountName?: string;
    readonly containers: readonly { readonly env?: readonly { valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }[]; readonly envFrom?: readonly { configMapRef?: { name: string }; secretRef?: { name: string } }[] }[];
    readonly volumes?: readonly { configMap?: { name: string }; secret?: { secretName: string } }[];
  };
}

const matches = (selector: Labels, labels: Labels = {}): boolean => Object.entries(selector).every(([key, value]) => labels[key] === value);
const spec = <T>(object: K8sObject): T => (object as unknown as { spec: T }).spec;
const templates = (objects: readonly K8sObject[]): PodTemplate[] =>
  objects.filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind)).map((object) => spec<{ template: PodTemplate }>(object).template);

/** Every `Kind/name` an object of the kustomization refers to, with where the reference is. */
function references(objects: readonly K8sObject[]): { from: string; kind: string; name: string }[] {
  const found: { from: string; kind: string; name: string }[] = [];
  for (const object of objects) {
    const from = `${object.kind}/${object.metadata.name}`;
    const add = (kind: string, name: string): void => void found.push({ from, kind, name });
    const target = spec<{ scaleTargetRef?: { kind: string; name: string } }>(object)?.scaleTargetRef;
    if (target && ['HorizontalPodAutoscaler', 'ScaledObject'].includes(object.kind)) add(target.kind, target.name);
    if (object.kind === 'ScaledObject') for (const trigger of spec<{ triggers: { authenticationRef?: { name: string } }[] }>(object).triggers) if (trigger.authenticationRef) add('TriggerAuthentication', trigger.authenticationRef.name);
    if (object.kind === 'TriggerAuthentication') for (const ref of spec<{ secretTargetRef?: { name: string }[] }>(object).secretTargetRef ?? []) add('Secret', ref.name);
    if (object.kind === 'StatefulSet') add('Service', spec<{ serviceName: string }>(object).serviceName);
    if (['Deployment', 'StatefulSet'].includes(object.kind)) {
      const pod = spec<{ template: PodTemplate }>(object).template.spec;
      if (pod.serviceAccountName) add('ServiceAccount', pod.serviceAccountName);
      for (const container of pod.containers) {
        for (const variable of container.env ?? []) {
          if (variable.valueFrom?.secretKeyRef) add('Secret', variable.valueFrom.secretKeyRef.name);
          if (variable.valueFrom?.configMapKeyRef) add('ConfigMap', variable.valueFrom.configMapKeyRef.name);
        }
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) add('ConfigMap', source.configMapRef.name);
          if (source.secretRef) add('Secret', source.secretRef.name);
        }
      }
      for (const volume of pod.volumes ?? []) {
        if (volume.configMap) add('ConfigMap', volume.configMap.name);
        if (volume.secret) add('Secret', volume.secret.secretName);
      }
    }
  }
  return found;
}

describe.each(KUSTOMIZATIONS)('kustomization %s, applied as rendered', (kustomization) => {
  const objects = render(kustomization);
  const namespaced = objects.filter((object) => !CLUSTER_SCOPED.has(object.kind));
  const has = (kind: string, name: string): boolean => objects.some((object) => object.kind === kind && object.metadata.name === name);

  it('puts every namespaced object in one namespace, the one it creates if it creates one', () => {
    const namespaces = new Set(namespaced.map((object) => object.metadata.namespace));
    expect(namespaces.size).toBe(1);
    expect([...namespaces][0]).toBeDefined();
    const created = objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name);
    if (created.length > 0) expect([...namespaces]).toEqual(created);
  });

  it('resolves every name an object refers to: rendered here, or a Secret the README has you create', () => {
    const unresolved = references(objects).filter((ref) => !has(ref.kind, ref.name) && !(ref.kind === 'Secret' && documentedSecrets.has(ref.name)));
    expect(unresolved).toEqual([]);
  });

  it('selects pods it renders with every Service, PodDisruptionBudget and NetworkPolicy', () => {
    const podLabels = templates(objects).map((template) => template.metadata.labels ?? {});
    const selectors = objects.flatMap((object) => {
      if (object.kind === 'Service') return [{ object, selector: spec<{ selector: Labels }>(object).selector }];
      if (['PodDisruptionBudget', 'NetworkPolicy'].includes(object.kind)) {
        const selector = spec<{ selector?: { matchLabels: Labels }; podSelector?: { matchLabels: Labels } }>(object);
        return [{ object, selector: (selector.selector ?? selector.podSelector)!.matchLabels }];
      }
      return [];
    });
    const selectingNothing = selectors.filter(({ selector }) => !podLabels.some((labels) => matches(selector, labels))).map(({ object }) => `${object.kind}/${object.metadata.name}`);
    expect(selectingNothing).toEqual([]);
  });

  it('finds a Service it renders with every ServiceMonitor', () => {
    const services = objects.filter((object) => object.kind === 'Service');
    for (const monitor of objects.filter((object) => object.kind === 'ServiceMonitor')) {
      const selector = spec<{ selector: { matchLabels: Labels } }>(monitor).selector.matchLabels;
      expect(services.some((service) => matches(selector, service.metadata.labels)), monitor.metadata.name).toBe(true);
    }
  });
});

describe('the cross-reference check', () => {
  it('names what a ScaledObject in another namespace would miss', () => {
    const objects: K8sObject[] = [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'cioscale-worker' }, triggers: [{ authenticationRef: { name: 'auth' } }] } }];
    expect(references(objects)).toEqual([
      { from: 'ScaledObject/x', kind: 'Deployment', name: 'cioscale-worker' },
      { from: 'ScaledObject/x', kind: 'TriggerAuthentication', name: 'auth' },
    ]);
  });

  it('reads the Secrets the README creates', () => {
    expect([...documentedSecrets].sort()).toEqual(['cioscale-customerio', 'cioscale-redis']);
  });
});
