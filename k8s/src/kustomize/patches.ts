/**
 * `patches:` — strategic-merge patches that delete an object (`$patch: delete`), and JSON 6902 patches
 * with a `target` (json6902.ts). Any other strategic merge needs the Kubernetes schema's list merge keys
 * (containers merge by name, args are replaced...), and is refused rather than approximated.
 */
import { parseAllDocuments } from 'yaml';
import { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';
import { readUtf8, restrictedPath } from './files.js';
import { applyJsonPatch, jsonPatchOperations } from './json6902.js';
import type { Kustomization, PatchSource, PatchTarget } from './kustomization.js';
import { isObject, scalarText, type Resource } from './types.js';

interface DeletePatch {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
}

/** Applies the kustomization's patches to `resources`, removing the objects they delete. */
export function applyPatches(resources: Resource[], kustomization: Kustomization): Resource[] {
  let remaining = resources;
  for (const source of kustomization.patches) {
    if (source.target !== undefined) {
      applyTargeted(remaining, source, source.target, kustomization);
      continue;
    }
    for (const patch of deletePatches(source, kustomization)) {
      const matches = remaining.filter((resource) => matchesPatch(resource, patch));
      const id = `${patch.apiVersion} ${patch.kind} ${patch.namespace ?? ''}/${patch.name}`;
      if (matches.length === 0) throw new KustomizeError(`${kustomization.file}: no resource matches strategic merge patch ${id}`);
      if (matches.length > 1) throw new KustomizeError(`${kustomization.file}: several resources match strategic merge patch ${id}`);
      remaining = remaining.filter((resource) => resource !== matches[0]);
    }
  }
  return remaining;
}

/** A JSON 6902 patch, applied to every object its target selects (at least one, or the patch is a mistake). */
function applyTargeted(resources: readonly Resource[], source: PatchSource, target: PatchTarget, { dir, file }: Kustomization): void {
  const text = 'inline' in source ? source.inline : readUtf8(restrictedPath(dir, source.path, file), file);
  const documents = parseAllDocuments(text);
  const errors = documents.flatMap((document) => document.errors.map((error) => error.message));
  if (errors.length > 0 || documents.length !== 1) throw new KustomizeError(`${file}: patch: ${errors.length > 0 ? errors.join('; ') : 'one list of operations expected'}`);
  const operations = jsonPatchOperations(documents[0]!.toJS(), file);
  const matches = resources.filter((resource) => matchesTarget(resource, target));
  if (matches.length === 0) throw new KustomizeError(`${file}: no resource matches patch target ${JSON.stringify(target)}`);
  for (const { object } of matches) applyJsonPatch(object, operations, file);
}

function matchesTarget({ object, previousIds }: Resource, target: PatchTarget): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (target.kind !== undefined && target.kind !== object.kind) return false;
  const ids = [...previousIds, object.metadata];
  // kustomize reads the target's name and namespace as anchored regular expressions
  const fits = (pattern: string | undefined, value: string | undefined): boolean => pattern === undefined || new RegExp(`^(?:${pattern})$`).test(value ?? '');
  return ids.some((id) => fits(target.name, id.name) && fits(target.namespace, id.namespace));
}

/** The delete patches of one entry (a patch text may hold several YAML documents). */
function deletePatches(source: PatchSource, { dir, file }: Kustomization): DeletePatch[] {
  const text = 'inline' in source ? source.inline : readUtf8(restrictedPath(dir, source.path, file), file);
  // kustomize reads a patch starting with `[` (or a YAML list) as JSON 6902 operations.
  if (text.trim().startsWith('[')) throw new UnsupportedKustomizeFeature('JSON 6902 patch', file);
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new KustomizeError(`${file}: patch: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) throw new UnsupportedKustomizeFeature('JSON 6902 patch', file);
    if (!isObject(value)) throw new KustomizeError(`${file}: a patch document must be a mapping`);
    const { $patch, apiVersion, kind, metadata, ...fields } = value;
    if ($patch !== 'delete') throw new UnsupportedKustomizeFeature($patch === undefined ? 'strategic-merge patch that changes fields' : `strategic-merge patch with $patch: ${scalarText($patch)}`, file);
    const extra = [...Object.keys(fields), ...(isObject(metadata) ? Object.keys(metadata).filter((key) => key !== 'name' && key !== 'namespace').map((key) => `metadata.${key}`) : [])];
    if (extra.length > 0) throw new UnsupportedKustomizeFeature(`fields besides the object's identity in a $patch: delete (${extra.join(', ')})`, file);
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isObject(metadata) || typeof metadata['name'] !== 'string') {
      throw new KustomizeError(`${file}: a $patch: delete needs apiVersion, kind and metadata.name`);
    }
    const namespace = metadata['namespace'];
    if (namespace !== undefined && typeof namespace !== 'string') throw new KustomizeError(`${file}: a patch's metadata.namespace must be a string`);
    return [{ apiVersion, kind, name: metadata['name'], namespace }];
  });
}

/**
 * kustomize matches a patch against an object's current id and every id it had before (so a patch
 * written without a namespace still finds a base object the base put in one); an absent namespace
 * counts as `default`.
 */
function matchesPatch({ object, previousIds }: Resource, patch: DeletePatch): boolean {
  if (object.apiVersion !== patch.apiVersion || object.kind !== patch.kind) return false;
  const effective = (namespace: string | undefined): string => namespace ?? 'default';
  return [...previousIds, object.metadata].some((id) => id.name === patch.name && effective(id.namespace) === effective(patch.namespace));
}
