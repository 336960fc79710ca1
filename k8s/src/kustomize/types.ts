/**
 * The shapes the renderer works on: Kubernetes objects as parsed from YAML, which it copies and then
 * changes in place, one transformer after another, as kustomize does.
 */

/** A mutable Kubernetes object; only the fields every transformer needs are typed. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [field: string]: unknown };
  [field: string]: unknown;
}

/** One object of a kustomization being built, with what kustomize remembers about it. */
export interface Resource {
  object: KubeObject;
  /** The file (or kustomization, for generated objects) it came from, for error messages. */
  readonly source: string;
  /** The names and namespaces it had before a transformer changed them: patches still match those. */
  readonly previousIds: ObjectId[];
  /** Set on a generated ConfigMap: it gets kustomize's content-hash suffix at the end of the build. */
  readonly generated?: { readonly originalName: string };
}

/** Where an object is: its name and namespace (`undefined` for none). */
export interface ObjectId {
  readonly name: string;
  readonly namespace: string | undefined;
}

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A YAML value (not `undefined`) for an error message: a string as written, anything else as JSON (never `[object Object]`). */
export const scalarText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
