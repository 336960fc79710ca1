/** A kustomize renderer for the features the cioscale manifests use; see k8s/README.md. */
export { renderKustomization } from './build.js';
export { KustomizeError, UnsupportedKustomizeFeature } from './errors.js';
export { configMapHashSuffix } from './hash.js';
export type { KubeObject } from './types.js';
