import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from './models.js';
import type { K8sObject } from './render.js';
import { K8S_DIR, KUSTOMIZATIONS, one, parseYamlDocuments, render } from './render.js';
import { FIXTURES_DIR } from './kustomize/fixtures.js';

/** Every YAML file under k8s/, outside node_modules and the renderer's own test fixtures. */
function yamlFiles(dir = K8S_DIR): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    // The fixtures are inputs of test/kustomize/*.test.ts, not manifests anyone applies.
    if (entry === 'node_modules' || path === FIXTURES_DIR) return [];
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

describe('every manifest file', () => {
  it.each(yamlFiles().map((path) => relative(K8S_DIR, path)))('%s parses as YAML', (file) => {
    expect(parseYamlDocuments(readFileSync(join(K8S_DIR, file), 'utf8'), file).length).toBeGreaterThan(0);
  });

  it('is used by a kustomization, so none is left behind unchecked', () => {
    const used = new Set<string>();
    for (const kustomization of KUSTOMIZATIONS) {
      const [config] = parseYamlDocuments(readFileSync(join(K8S_DIR, kustomization, 'kustomization.yaml'), 'utf8'), kustomization);
      used.add(join(kustomization, 'kustomization.yaml'));
      for (const resource of (config as { resources?: string[] }).resources ?? []) used.add(join(kustomization, resource));
    }
    const unused = yamlFiles().map((path) => relative(K8S_DIR, path)).filter((file) => !used.has(file));
    expect(unused).toEqual([]);
  });
});

describe.each(KUSTOMIZATIONS)('kustomization %s', (kustomization) => {
  it('resolves with the kustomize renderer', () => {
    expect(render(kustomization).length).toBeGreaterThan(0);
  });

  it('renders only objects valid against their Kubernetes or CRD schema', () => {
    for (const object of render(kustomization)) {
      expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('renders no two objects of one kind with one name', () => {
    const ids = render(kustomization).map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the schemas', () => {
  it('refuse what a cluster would refuse', () => {
    const deployment = structuredClone(one<K8sObject & { spec: { template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } } }>(render('base'), 'Deployment'));
    deployment.spec.template.spec.containers[0]!.resources.limits['cpu'] = 'one core';
    expect(() => validate(deployment)).toThrow(/quantity/);
  });

  it('exist for every kind the overlays render', () => {
    expect(() => validate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toThrow(/no schema for v1\/Pod/);
  });
});
