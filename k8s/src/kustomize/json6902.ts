/**
 * JSON 6902 patches (`patches:` entries with a `target`): the operations `add`, `replace`, `remove` and
 * `test` on JSON Pointer paths (RFC 6901), applied to each object the target selects, as kustomize does with
 * evanphx/json-patch. `move` and `copy` are refused rather than approximated.
 */
import { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';
import { isObject, scalarText, type KubeObject } from './types.js';

export interface JsonPatchOperation {
  readonly op: 'add' | 'replace' | 'remove' | 'test';
  readonly path: string;
  readonly value?: unknown;
}

/** The operations of a patch document (a YAML or JSON list), checked. */
export function jsonPatchOperations(value: unknown, file: string): JsonPatchOperation[] {
  if (!Array.isArray(value)) throw new KustomizeError(`${file}: a patch with a target must be a list of JSON 6902 operations`);
  return value.map((entry, index) => {
    if (!isObject(entry) || typeof entry['path'] !== 'string') throw new KustomizeError(`${file}: JSON 6902 operation ${index} needs an op and a path`);
    const op = entry['op'];
    if (op !== 'add' && op !== 'replace' && op !== 'remove' && op !== 'test') throw new UnsupportedKustomizeFeature(`JSON 6902 op ${scalarText(op)}`, file);
    if (op !== 'remove' && !('value' in entry)) throw new KustomizeError(`${file}: JSON 6902 ${op} at ${entry['path']} needs a value`);
    return { op, path: entry['path'], ...(op !== 'remove' && { value: entry['value'] }) };
  });
}

/** Applies `operations` to `object` in place; throws naming the operation that cannot apply. */
export function applyJsonPatch(object: KubeObject, operations: readonly JsonPatchOperation[], file: string): void {
  for (const operation of operations) {
    const fail = (why: string): never => {
      throw new KustomizeError(`${file}: JSON 6902 ${operation.op} at ${operation.path} on ${object.kind}/${object.metadata.name}: ${why}`);
    };
    const tokens = pointer(operation.path, fail);
    const last = tokens.pop();
    if (last === undefined) fail('the whole document cannot be patched');
    let parent: unknown = object;
    for (const token of tokens) parent = child(parent, token, fail);
    const key = last as string;
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : arrayIndex(key, fail);
      const inRange = operation.op === 'add' ? index <= parent.length : index < parent.length;
      if (!inRange) fail(`index ${key} is out of range (${parent.length} items)`);
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
      else if (operation.op === 'remove') parent.splice(index, 1);
      else if (!sameJson(parent[index], operation.value)) fail(`found ${JSON.stringify(parent[index])}, not ${JSON.stringify(operation.value)}`);
    } else if (isObject(parent)) {
      const present = Object.hasOwn(parent, key);
      if (operation.op !== 'add' && !present) fail(`${key} does not exist`);
      if (operation.op === 'add' || operation.op === 'replace') parent[key] = structuredClone(operation.value);
      else if (operation.op === 'remove') delete parent[key];
      else if (!sameJson(parent[key], operation.value)) fail(`found ${JSON.stringify(parent[key])}, not ${JSON.stringify(operation.value)}`);
    } else {
      fail('its parent is not an object or a list');
    }
  }
}

/** RFC 6901: "/a/b~1c/0" → ["a", "b/c", "0"]. */
function pointer(path: string, fail: (why: string) => never): string[] {
  if (!path.startsWith('/')) fail('a path starts with /');
  return path.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(parent: unknown, token: string, fail: (why: string) => never): unknown {
  if (Array.isArray(parent)) {
    const index = arrayIndex(token, fail);
    if (index >= parent.length) fail(`index ${token} is out of range (${parent.length} items)`);
    return parent[index];
  }
  if (isObject(parent) && Object.hasOwn(parent, token)) return parent[token];
  return fail(`${token} does not exist`);
}

function arrayIndex(token: string, fail: (why: string) => never): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) fail(`${token} is not a list index`);
  return Number(token);
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
