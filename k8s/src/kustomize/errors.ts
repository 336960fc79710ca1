/**
 * The renderer's errors. A kustomization that uses something the renderer does not model fails with
 * an `UnsupportedKustomizeFeature` naming the feature and the file, rather than rendering something
 * kustomize would render differently.
 */

/** A kustomization (or a manifest it loads) uses a feature this renderer does not implement. */
export class UnsupportedKustomizeFeature extends Error {
  constructor(
    readonly feature: string,
    readonly file: string,
    detail?: string,
  ) {
    super(`unsupported kustomize feature ${feature} in file ${file}${detail ? `: ${detail}` : ''}; extend k8s/src/kustomize (and check it with \`pnpm --filter @cioscale/k8s run compare-kubectl\`) or drop the feature`);
    this.name = 'UnsupportedKustomizeFeature';
  }
}

/** A kustomization that kustomize itself would refuse (missing file, duplicate object, bad key...). */
export class KustomizeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KustomizeError';
  }
}
