/**
 * File access with kustomize's load restriction: a kustomization may read files only in or below its
 * own directory (other kustomizations, as directories, may be anywhere). Rendering what kustomize
 * would refuse would let a test pass on a kustomization `kubectl apply -k` rejects.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';

/** Names kustomize looks for in a directory, in its order of preference. */
const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** The kustomization file of `dir`; throws when there is none or more than one, as kustomize does. */
export function kustomizationFile(dir: string): string {
  const found = KUSTOMIZATION_FILE_NAMES.map((name) => resolve(dir, name)).filter((path) => existsSync(path));
  if (found.length === 0) throw new KustomizeError(`${dir} holds no ${KUSTOMIZATION_FILE_NAMES.join(', ')}`);
  if (found.length > 1) throw new KustomizeError(`${dir} holds more than one kustomization file: ${found.join(', ')}`);
  return found[0]!;
}

/** Where a `resources` entry points, for the kustomization in `dir` (`file` is for messages). */
export function resolveResource(dir: string, entry: string, file: string): { readonly kind: 'file' | 'directory'; readonly path: string } {
  // Remote bases (git URLs, HTTP files) would need network access and kustomize's fetch rules.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes('?ref=')) {
    throw new UnsupportedKustomizeFeature(`remote resource ${entry}`, file);
  }
  const path = resolve(dir, entry);
  if (!existsSync(path)) throw new KustomizeError(`${file}: resource ${entry} does not exist (${path})`);
  if (statSync(path).isDirectory()) return { kind: 'directory', path };
  return { kind: 'file', path: restrictedPath(dir, entry, file) };
}

/** `entry` resolved against `dir`; throws if it leaves `dir`, which kustomize refuses for files. */
export function restrictedPath(dir: string, entry: string, file: string): string {
  const path = resolve(dir, entry);
  const fromRoot = relative(dir, path);
  if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) throw new KustomizeError(`${file}: ${entry} is not in or below ${dir}; kustomize refuses to load it`);
  return path;
}

/** The UTF-8 text of `path`; throws on bytes that are not UTF-8, as kustomize's env reader does. */
export function readUtf8(path: string, file: string): string {
  if (!existsSync(path)) throw new KustomizeError(`${file}: ${path} does not exist`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    throw new KustomizeError(`${file}: ${path} is not valid UTF-8`, { cause: error });
  }
}
