import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KustomizeError, renderKustomization, UnsupportedKustomizeFeature } from '../../src/kustomize/index.js';

const root = mkdtempSync(join(tmpdir(), 'cio-kustomize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A fresh directory holding `files` (path → text); returns it. */
function kustomizationDir(files: Record<string, string>): string {
  const dir = join(root, String(count++));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n';

describe('a kustomization feature the renderer does not implement', () => {
  it.each([
    ['commonAnnotations', 'resources: [d.yaml]\ncommonAnnotations:\n  a: b\n', '`commonAnnotations`'],
    ['commonLabels (which also changes selectors)', 'resources: [d.yaml]\ncommonLabels:\n  a: b\n', '`commonLabels`'],
    ['namePrefix', 'resources: [d.yaml]\nnamePrefix: x-\n', '`namePrefix`'],
    ['labels with selectors', 'resources: [d.yaml]\nlabels:\n  - pairs: {a: b}\n    includeSelectors: true\n', '`labels[0].includeSelectors`'],
    ['labels with templates', 'resources: [d.yaml]\nlabels:\n  - pairs: {a: b}\n    includeTemplates: true\n', '`labels[0].includeTemplates`'],
    ['a patch target with a label selector', 'resources: [d.yaml]\npatches:\n  - target: {kind: Deployment, labelSelector: app=x}\n    patch: "[{op: remove, path: /spec}]"\n', '`patches[0].target.labelSelector`'],
    ['a JSON 6902 move', 'resources: [d.yaml]\npatches:\n  - target: {kind: Deployment}\n    patch: "[{op: move, from: /spec, path: /x}]"\n', 'JSON 6902 op move'],
    ['a JSON 6902 patch', 'resources: [d.yaml]\npatches:\n  - patch: "[{op: remove, path: /spec}]"\n', 'JSON 6902 patch'],
    ['a strategic-merge patch that changes fields', 'resources: [d.yaml]\npatches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: app}\n      spec: {replicas: 1}\n', 'strategic-merge patch that changes fields'],
    ['configMapGenerator files', 'configMapGenerator:\n  - name: c\n    files: [d.yaml]\n', '`configMapGenerator[0].files`'],
    ['configMapGenerator merge', 'configMapGenerator:\n  - name: c\n    behavior: merge\n    literals: [A=1]\n', '`configMapGenerator[0].behavior`'],
    ['secretGenerator', 'secretGenerator:\n  - name: s\n    literals: [A=1]\n', '`secretGenerator`'],
    ['a remote resource', 'resources: [https://github.com/example/repo//base?ref=v1]\n', 'remote resource https://github.com/example/repo//base?ref=v1'],
    ['a Component', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n', 'apiVersion kustomize.config.k8s.io/v1alpha1'],
    ['a List resource', 'resources: [list.yaml]\n', 'resource of kind List', 'list.yaml'],
    ['namespace on a cluster-scoped kind', 'namespace: x\nresources: [role.yaml]\n', 'namespace with the cluster-scoped kind ClusterRole'],
  ])('fails clearly on %s', (_name, kustomization, feature, file = 'kustomization.yaml') => {
    const dir = kustomizationDir({
      'kustomization.yaml': kustomization,
      'd.yaml': DEPLOYMENT,
      'list.yaml': 'apiVersion: v1\nkind: List\nitems: []\n',
      'role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n',
    });
    const render = (): unknown => renderKustomization(dir);
    expect(render).toThrow(UnsupportedKustomizeFeature);
    expect(render).toThrow(`unsupported kustomize feature ${feature} in file ${join(dir, file)}`);
  });

  it('names the file of a base, not of the overlay that uses it', () => {
    const dir = kustomizationDir({ 'base/kustomization.yaml': 'resources: [d.yaml]\nreplicas: [{name: app, count: 2}]\n', 'base/d.yaml': DEPLOYMENT, 'overlay/kustomization.yaml': 'resources: [../base]\n' });
    expect(() => renderKustomization(join(dir, 'overlay'))).toThrow(`unsupported kustomize feature \`replicas\` in file ${join(dir, 'base/kustomization.yaml')}`);
  });
});

describe('a kustomization kustomize itself refuses', () => {
  it.each([
    ['a patch that matches nothing', 'resources: [d.yaml]\npatches:\n  - patch: |\n      $patch: delete\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: other}\n', /no resource matches strategic merge patch apps\/v1 Deployment \/other/],
    ['an object defined twice', 'resources: [d.yaml, d.yaml]\n', /apps\/v1 Deployment default\/app is defined twice/],
    ['a missing resource', 'resources: [nowhere.yaml]\n', /resource nowhere.yaml does not exist/],
    ['an env file line that is not a variable name', 'configMapGenerator:\n  - name: c\n    envs: [bad.env]\n', /"NOT A NAME" is not a valid environment variable name/],
    ['a repeated ConfigMap key', 'configMapGenerator:\n  - name: c\n    literals: [A=1, A=2]\n', /illegally repeats the key `A`/],
  ])('fails on %s', (_name, kustomization, message) => {
    const dir = kustomizationDir({ 'kustomization.yaml': kustomization, 'd.yaml': DEPLOYMENT, 'bad.env': 'NOT A NAME=1\n' });
    const render = (): unknown => renderKustomization(dir);
    expect(render).toThrow(KustomizeError);
    expect(render).toThrow(message);
  });

  it.each([
    ['a target that matches nothing', 'target: {kind: Deployment, name: other}', 'replace', '/spec', /no resource matches patch target \{"kind":"Deployment","name":"other"\}/],
    ['a replace of a field that is not there', 'target: {kind: Deployment, name: app}', 'replace', '/spec/replicas', /JSON 6902 replace at \/spec\/replicas on Deployment\/app: replicas does not exist/],
    ['a test that does not hold', 'target: {kind: Deployment}', 'test', '/spec/template/spec/containers/0/name', /JSON 6902 test at .* found "app", not "x"/],
  ])('fails on %s (stricter than kustomize, which ignores the first two)', (_name, target, op, path, message) => {
    const dir = kustomizationDir({ 'kustomization.yaml': `resources: [d.yaml]\npatches:\n  - ${target}\n    patch: |-\n      - op: ${op}\n        path: ${path}\n        value: x\n`, 'd.yaml': DEPLOYMENT });
    expect(() => renderKustomization(dir)).toThrow(message);
  });

  it('fails on a manifest file outside the kustomization’s directory', () => {
    const dir = kustomizationDir({ 'd.yaml': DEPLOYMENT, 'sub/kustomization.yaml': 'resources: [../d.yaml]\n' });
    expect(() => renderKustomization(join(dir, 'sub'))).toThrow(/\.\.\/d\.yaml is not in or below .*sub; kustomize refuses to load it/);
  });
});
