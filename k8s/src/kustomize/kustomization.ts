/**
 * Reads a kustomization file into the few fields the renderer implements. Every other field, and
 * every option of a supported field that changes its meaning, is refused by name: a future manifest
 * change must fail loudly here rather than render differently from `kubectl kustomize`.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';
import { isObject, scalarText, type JsonObject } from './types.js';

export interface ImageOverride {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
  readonly tagSuffix?: string;
}

export interface ConfigMapGeneratorArgs {
  readonly name: string;
  readonly envs: readonly string[];
  readonly literals: readonly string[];
}

/** The objects a JSON 6902 patch applies to: each given field must match (`name` as an anchored regexp, as kustomize). */
export interface PatchTarget {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** A patch entry: its text, inline or read from `path`, and the objects a JSON 6902 patch targets. */
export type PatchSource = ({ readonly inline: string } | { readonly path: string }) & { readonly target?: PatchTarget };

export interface Kustomization {
  readonly dir: string;
  readonly file: string;
  readonly resources: readonly string[];
  readonly namespace?: string;
  /** One map per `labels` entry, applied to `metadata.labels` only. */
  readonly labels: readonly Readonly<Record<string, string>>[];
  readonly patches: readonly PatchSource[];
  readonly images: readonly ImageOverride[];
  readonly configMapGenerator: readonly ConfigMapGeneratorArgs[];
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'patches', 'images', 'configMapGenerator']);

/** Parses and checks the kustomization file at `file`. */
export function readKustomization(file: string): Kustomization {
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) throw new KustomizeError(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
  const raw: unknown = document.toJS();
  if (!isObject(raw)) throw new KustomizeError(`${file} is not a kustomization (a YAML mapping)`);
  onlyKeys(raw, SUPPORTED_FIELDS, '', file);
  if (raw['apiVersion'] !== undefined && raw['apiVersion'] !== 'kustomize.config.k8s.io/v1beta1') throw new UnsupportedKustomizeFeature(`apiVersion ${scalarText(raw['apiVersion'])}`, file);
  // A Component is merged into its parent differently from a resource kustomization.
  if (raw['kind'] !== undefined && raw['kind'] !== 'Kustomization') throw new UnsupportedKustomizeFeature(`kind ${scalarText(raw['kind'])}`, file);
  return {
    dir: dirname(file),
    file,
    resources: stringList(raw['resources'], 'resources', file),
    ...(raw['namespace'] === undefined ? {} : { namespace: string(raw['namespace'], 'namespace', file) }),
    labels: list(raw['labels'], 'labels', file).map((entry, index) => labelPairs(entry, `labels[${index}]`, file)),
    patches: list(raw['patches'], 'patches', file).map((entry, index) => patchSource(entry, `patches[${index}]`, file)),
    images: list(raw['images'], 'images', file).map((entry, index) => image(entry, `images[${index}]`, file)),
    configMapGenerator: list(raw['configMapGenerator'], 'configMapGenerator', file).map((entry, index) => generator(entry, `configMapGenerator[${index}]`, file)),
  };
}

function labelPairs(entry: unknown, where: string, file: string): Record<string, string> {
  const value = object(entry, where, file);
  // includeSelectors/includeTemplates/fields reach selectors and pod templates through kustomize's
  // per-kind field lists; the renderer only writes metadata.labels.
  onlyKeys(value, new Set(['pairs']), `${where}.`, file, ['includeSelectors', 'includeTemplates'].filter((key) => value[key] === false));
  const pairs = object(value['pairs'] ?? {}, `${where}.pairs`, file);
  return Object.fromEntries(Object.entries(pairs).map(([key, pair]) => [key, string(pair, `${where}.pairs.${key}`, file)]));
}

function patchSource(entry: unknown, where: string, file: string): PatchSource {
  const value = object(entry, where, file);
  // `options` allow name and kind changes; a target's label and annotation selectors are not implemented.
  onlyKeys(value, new Set(['patch', 'path', 'target']), `${where}.`, file);
  if ((value['patch'] === undefined) === (value['path'] === undefined)) throw new KustomizeError(`${file}: ${where} needs exactly one of patch and path`);
  const source = value['patch'] === undefined ? { path: string(value['path'], `${where}.path`, file) } : { inline: string(value['patch'], `${where}.patch`, file) };
  if (value['target'] === undefined) return source;
  const target = object(value['target'], `${where}.target`, file);
  onlyKeys(target, new Set(['group', 'version', 'kind', 'name', 'namespace']), `${where}.target.`, file);
  const fields = Object.fromEntries(Object.entries(target).map(([key, field]) => [key, string(field, `${where}.target.${key}`, file)]));
  return { ...source, target: fields };
}

function image(entry: unknown, where: string, file: string): ImageOverride {
  const value = object(entry, where, file);
  onlyKeys(value, new Set(['name', 'newName', 'newTag', 'digest', 'tagSuffix']), `${where}.`, file);
  const optional = (key: keyof ImageOverride): Partial<ImageOverride> => (value[key] === undefined ? {} : { [key]: string(value[key], `${where}.${key}`, file) });
  return { name: string(value['name'], `${where}.name`, file), ...optional('newName'), ...optional('newTag'), ...optional('digest'), ...optional('tagSuffix') };
}

function generator(entry: unknown, where: string, file: string): ConfigMapGeneratorArgs {
  const value = object(entry, where, file);
  // `behavior: create` is the default; merge/replace change a base's generated ConfigMap instead.
  onlyKeys(value, new Set(['name', 'envs', 'literals']), `${where}.`, file, value['behavior'] === 'create' ? ['behavior'] : []);
  return { name: string(value['name'], `${where}.name`, file), envs: stringList(value['envs'], `${where}.envs`, file), literals: stringList(value['literals'], `${where}.literals`, file) };
}

/** Throws naming the first key of `value` outside `allowed` (keys in `ignored` are known no-ops). */
function onlyKeys(value: JsonObject, allowed: ReadonlySet<string>, prefix: string, file: string, ignored: readonly string[] = []): void {
  const unknown = Object.keys(value).find((key) => !allowed.has(key) && !ignored.includes(key));
  if (unknown !== undefined) throw new UnsupportedKustomizeFeature(`\`${prefix}${unknown}\``, file);
}

function object(value: unknown, where: string, file: string): JsonObject {
  if (!isObject(value)) throw new KustomizeError(`${file}: ${where} must be a mapping`);
  return value;
}

function string(value: unknown, where: string, file: string): string {
  // kustomize reads these into Go strings through JSON, which refuses a number or a boolean.
  if (typeof value !== 'string') throw new KustomizeError(`${file}: ${where} must be a string`);
  return value;
}

function list(value: unknown, where: string, file: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(`${file}: ${where} must be a list`);
  return value;
}

function stringList(value: unknown, where: string, file: string): string[] {
  return list(value, where, file).map((item, index) => string(item, `${where}[${index}]`, file));
}
