/**
 * Builds a kustomization the way kustomize does, for the features listed in k8s/README.md: load the
 * resources (recursing into directories), generate ConfigMaps, run the transformers in kustomize's
 * order (patches, namespace, labels, images), and at the very end hash the generated names and fix
 * the references to them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateConfigMaps } from './configMapGenerator.js';
import { KustomizeError } from './errors.js';
import { kustomizationFile, resolveResource } from './files.js';
import { applyImages } from './images.js';
import { readKustomization } from './kustomization.js';
import { applyLabels } from './labels.js';
import { parseManifests } from './manifests.js';
import { finishGeneratedNames } from './nameReference.js';
import { applyNamespace } from './namespace.js';
import { applyPatches } from './patches.js';
import type { KubeObject, Resource } from './types.js';

/** The objects `kubectl kustomize <dir>` would print, in the order they were loaded. */
export function renderKustomization(dir: string): KubeObject[] {
  const root = resolve(dir);
  const resources = accumulate(root, []);
  finishGeneratedNames(resources, kustomizationFile(root));
  return resources.map((resource) => resource.object);
}

/** The resources of the kustomization in `dir`, transformed by it, not yet hashed (AccumulateTarget). */
function accumulate(dir: string, parents: readonly string[]): Resource[] {
  if (parents.includes(dir)) throw new KustomizeError(`cycle in kustomizations: ${[...parents, dir].join(' -> ')}`);
  const kustomization = readKustomization(kustomizationFile(dir));
  const loaded = kustomization.resources.flatMap((entry): Resource[] => {
    const target = resolveResource(dir, entry, kustomization.file);
    if (target.kind === 'directory') return accumulate(target.path, [...parents, dir]);
    // Parsed afresh on every build: the transformers change these objects in place.
    return parseManifests(readFileSync(target.path, 'utf8'), target.path).map((object) => ({ object, source: target.path, previousIds: [] }));
  });
  const resources = [...loaded, ...generateConfigMaps(kustomization)];
  refuseDuplicates(resources, kustomization.file);
  const patched = applyPatches(resources, kustomization);
  if (kustomization.namespace !== undefined) applyNamespace(patched, kustomization.namespace, kustomization.file);
  for (const pairs of kustomization.labels) applyLabels(patched, pairs);
  applyImages(patched, kustomization.images);
  return patched;
}

/** kustomize refuses to add an object whose apiVersion, kind, namespace and name are already there. */
function refuseDuplicates(resources: readonly Resource[], file: string): void {
  const seen = new Map<string, string>();
  for (const { object, source } of resources) {
    const id = `${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new KustomizeError(`${file}: ${id} is defined twice (${earlier} and ${source})`);
    seen.set(id, source);
  }
}
