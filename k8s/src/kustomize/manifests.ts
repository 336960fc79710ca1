/**
 * Reads the Kubernetes objects of a manifest file, the way kustomize's reader does: every YAML
 * document is one object, empty documents are skipped.
 */
import { parseAllDocuments } from 'yaml';
import { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';
import { isObject, type KubeObject } from './types.js';

/** The objects of one manifest file's text; throws on a syntax error or an object without identity. */
export function parseManifests(text: string, file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) throw new KustomizeError(`${file}: document ${index}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    // `---` at the end of a file, or a document of comments only: kustomize ignores it too.
    if (value === null || value === undefined) return;
    if (!isObject(value)) throw new KustomizeError(`${file}: document ${index} is not a Kubernetes object`);
    // kustomize expands a List into its items; the renderer does not, so it must not see one.
    if (typeof value['kind'] === 'string' && value['kind'].endsWith('List')) throw new UnsupportedKustomizeFeature(`resource of kind ${value['kind']}`, file);
    const metadata = value['metadata'];
    if (typeof value['apiVersion'] !== 'string' || typeof value['kind'] !== 'string' || !isObject(metadata) || typeof metadata['name'] !== 'string') {
      throw new KustomizeError(`${file}: document ${index} needs a string apiVersion, kind and metadata.name`);
    }
    objects.push(value as KubeObject);
  });
  return objects;
}
