import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderKustomization } from '../../src/kustomize/index.js';
import type { KubeObject } from '../../src/kustomize/index.js';
import { FIXTURES_DIR, RENDERABLE_FIXTURES, fixture } from './fixtures.js';

/** Objects keyed by kind, namespace and name, so the comparison ignores their order. */
const byId = (objects: readonly KubeObject[]): Map<string, KubeObject> => new Map(objects.map((object) => [`${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`, object]));

interface Container {
  readonly image: string;
  readonly env?: readonly { readonly valueFrom: { readonly configMapKeyRef: { readonly name: string } } }[];
  readonly envFrom?: readonly { readonly configMapRef: { readonly name: string } }[];
}
interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  readonly volumes: readonly { readonly configMap?: { readonly name: string }; readonly projected?: { readonly sources: readonly { readonly configMap: { readonly name: string } }[] } }[];
}
type Workload = KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };
type CronJob = KubeObject & { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } };
type Pod = KubeObject & { spec: PodSpec };

function find<T extends KubeObject = KubeObject>(objects: readonly KubeObject[], kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  return found as T;
}

describe.each(RENDERABLE_FIXTURES)('fixture %s', (name) => {
  it('renders the objects kubectl rendered for it', () => {
    // fixtures/<name>.kubectl.yaml is kubectl's own output, captured on a machine that had it.
    const expected = parseAllDocuments(readFileSync(join(FIXTURES_DIR, `${name}.kubectl.yaml`), 'utf8')).map((document) => document.toJS() as KubeObject);
    expect(byId(renderKustomization(fixture(name)))).toEqual(byId(expected));
  });
});

describe('one kustomization level (fixtures/generated-configmap)', () => {
  const objects = renderKustomization(fixture('generated-configmap'));
  const deployment = find<Workload>(objects, 'Deployment', 'app');
  const pod = deployment.spec.template.spec;

  it('generates ConfigMaps from env files and literals, named with their content hash', () => {
    const settings = find(objects, 'ConfigMap', 'settings-88k6742dcm');
    expect(settings['data']).toEqual(expect.objectContaining({ INDENTED: 'leading spaces go', BARE: '', TRAILING: 'spaces kept  ', QUOTES: '"not removed"', QUOTED: 'kept inside' }));
    expect(find(objects, 'ConfigMap', 'empty-6ct58987ht')).not.toHaveProperty('data');
  });

  it('points every pod-spec reference at the generated names, and no other', () => {
    expect(pod.initContainers[0]?.envFrom?.[0]?.configMapRef.name).toBe('settings-88k6742dcm');
    expect(pod.containers[0]?.env?.map((variable) => variable.valueFrom.configMapKeyRef.name)).toEqual(['settings-88k6742dcm', 'not-generated']);
    expect(pod.volumes[0]?.configMap?.name).toBe('settings-88k6742dcm');
    expect(pod.volumes[1]?.projected?.sources.map((source) => source.configMap.name)).toEqual(['empty-6ct58987ht', 'not-generated']);
    expect(find<CronJob>(objects, 'CronJob', 'nightly').spec.jobTemplate.spec.template.spec.containers[0]?.envFrom?.[0]?.configMapRef.name).toBe('settings-88k6742dcm');
  });

  it('puts every object in the namespace, renaming the Namespace object itself', () => {
    expect(objects.filter((object) => object.kind !== 'Namespace').map((object) => object.metadata.namespace)).toEqual(Array(objects.length - 1).fill('fixture'));
    expect(find(objects, 'Namespace', 'fixture').metadata.namespace).toBeUndefined();
  });

  it('adds labels to metadata only, leaving selectors and pod templates alone', () => {
    expect(objects.every((object) => object.metadata.labels?.['team'] === 'platform')).toBe(true);
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'app' });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'app' });
  });

  it('replaces the image name and tag (or digest) of matching containers only', () => {
    expect([...pod.initContainers, ...pod.containers].map((container) => container.image)).toEqual([
      'registry.example.com/example/app:2.0',
      'registry.example.com/example/app:2.0',
      'example/sidecar:1.0',
    ]);
  });
});

describe('an overlay (fixtures/overlay)', () => {
  const objects = renderKustomization(fixture('overlay'));

  it('deletes what its patches delete, matching the base’s objects by their former namespace too', () => {
    expect(objects.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'Namespace', 'Pod']);
  });

  it('points its own objects at the base’s generated ConfigMap', () => {
    expect(find<Pod>(objects, 'Pod', 'probe').spec.containers[0]?.envFrom?.[0]?.configMapRef.name).toBe('settings-88k6742dcm');
  });

  it('applies a tag suffix twice inside pod specs, as kubectl 1.32 does', () => {
    expect(find<Pod>(objects, 'Pod', 'probe').spec.containers[0]?.image).toBe('example/sidecar:1.0-debug-debug');
  });
});
