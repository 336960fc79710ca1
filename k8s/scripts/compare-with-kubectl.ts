/**
 * One-off check, not part of the test suite: renders every kustomization (the shipped ones and the
 * renderer's test fixtures) with `kubectl kustomize` and with the built-in renderer, and reports any
 * difference between the two sets of objects (ignoring their order). Run it where kubectl is
 * installed after changing the manifests or the renderer:
 *
 *   pnpm --filter @cioscale/k8s run compare-kubectl
 *
 * Exit code 0: no difference; 1: differences (listed); 2: kubectl is not available.
 */
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderKustomization } from '../src/kustomize/index.js';
import { FIXTURES_DIR, RENDERABLE_FIXTURES } from '../test/kustomize/fixtures.js';
import { K8S_DIR, KUSTOMIZATIONS } from '../test/render.js';

const directories = [...KUSTOMIZATIONS.map((name) => join(K8S_DIR, name)), ...RENDERABLE_FIXTURES.map((name) => join(FIXTURES_DIR, name))];

let kubectlVersion: string;
try {
  kubectlVersion = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().replace(/\n/g, ', ');
} catch (error) {
  console.error(`kubectl is not available, nothing to compare with: ${(error as Error).message}`);
  process.exit(2);
}
console.log(`comparing with ${kubectlVersion}`);

let differences = 0;
for (const dir of directories) {
  const name = relative(K8S_DIR, dir);
  const expected = byId(parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((document) => document.toJS() as Record<string, unknown>));
  const actual = byId(renderKustomization(dir));
  const found = [
    ...[...expected.keys()].filter((id) => !actual.has(id)).map((id) => `${id}: rendered by kubectl only`),
    ...[...actual.keys()].filter((id) => !expected.has(id)).map((id) => `${id}: rendered by the renderer only`),
    ...[...expected].filter(([id]) => actual.has(id)).flatMap(([id, object]) => diff(object, actual.get(id), '').map((line) => `${id}: ${line}`)),
  ];
  differences += found.length;
  console.log(found.length === 0 ? `${name}: same ${expected.size} objects` : `${name}: ${found.length} difference(s)\n  ${found.join('\n  ')}`);
}
console.log(differences === 0 ? 'no difference' : `${differences} difference(s)`);
process.exit(differences === 0 ? 0 : 1);

/** Objects keyed by apiVersion, kind, namespace and name; throws on a repeated key. */
function byId(objects: readonly unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const object of objects) {
    const { apiVersion, kind, metadata } = object as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
    const id = `${apiVersion} ${kind} ${metadata.namespace ?? ''}/${metadata.name}`;
    if (map.has(id)) throw new Error(`${id} appears twice`);
    map.set(id, object);
  }
  return map;
}

/** Where `a` and `b` differ, as `path: a ≠ b` lines; list order counts, key order does not. */
function diff(a: unknown, b: unknown, path: string): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => diff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`));
  }
  return Object.is(a, b) ? [] : [`${path || '.'}: kubectl ${JSON.stringify(a)} ≠ renderer ${JSON.stringify(b)}`];
}
