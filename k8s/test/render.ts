/**
 * Renders a kustomization with the built-in renderer (k8s/src/kustomize), which does what
 * `kubectl kustomize` — and so `kubectl apply -k` — does for the features these kustomizations use,
 * and refuses any other. The tests therefore check the objects a cluster would receive, with
 * generated names and patches applied, without needing kubectl; `pnpm run compare-kubectl` checks
 * the renderer against kubectl where it is installed.
 */
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { renderKustomization } from '../src/kustomize/index.js';

/** The k8s/ folder. */
export const K8S_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The kustomizations the product ships, relative to k8s/. */
export const KUSTOMIZATIONS = ['base', 'overlays/keda', 'overlays/dev', 'prometheus-adapter', 'gateway'] as const;
export type Kustomization = (typeof KUSTOMIZATIONS)[number];

/** A Kubernetes object as parsed from YAML; the models validate the rest. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

const rendered = new Map<string, K8sObject[]>();

/** The objects of a kustomization; throws the renderer's error when it does not resolve. */
export function render(kustomization: Kustomization): K8sObject[] {
  const cached = rendered.get(kustomization);
  if (cached) return cached;
  const objects: K8sObject[] = renderKustomization(`${K8S_DIR}${kustomization}`);
  rendered.set(kustomization, objects);
  return objects;
}

/** Parses a multi-document YAML text, failing on any syntax error or non-object document. */
export function parseYamlDocuments(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${source}: document ${index}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: document ${index} is not an object`);
    return value as K8sObject;
  });
}

/** The single object of `kind` (and `name`, when given) in `objects`; throws naming what is missing. */
export function one<T = K8sObject>(objects: readonly K8sObject[], kind: string, name?: string): T {
  const found = objects.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}
