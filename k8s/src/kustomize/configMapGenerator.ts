/**
 * configMapGenerator: builds the ConfigMap of each entry. Its name gets kustomize's content hash at
 * the end of the whole build (nameReference.ts), after overlays may have changed it.
 */
import { KustomizeError } from './errors.js';
import { readUtf8, restrictedPath } from './files.js';
import { envFilePairs, literalPair } from './keyValues.js';
import type { ConfigMapGeneratorArgs, Kustomization } from './kustomization.js';
import type { Resource } from './types.js';

/** A ConfigMap key kustomize accepts: alphanumerics, `-`, `_` and `.` (ErrIfInvalidKey). */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** The ConfigMaps the kustomization generates. */
export function generateConfigMaps(kustomization: Kustomization): Resource[] {
  return kustomization.configMapGenerator.map((args) => ({
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: args.name }, ...dataField(args, kustomization) },
    source: kustomization.file,
    previousIds: [],
    generated: { originalName: args.name },
  }));
}

/** `{ data }` with the generator's pairs, env files first and then literals; `{}` when there are none. */
function dataField(args: ConfigMapGeneratorArgs, { dir, file }: Kustomization): { data?: Record<string, string> } {
  if (args.name === '') throw new KustomizeError(`${file}: a configMapGenerator entry needs a name`);
  const pairs = [
    ...args.envs.flatMap((env) => envFilePairs(readUtf8(restrictedPath(dir, env, file), file), `${file} (${env})`)),
    ...args.literals.map((literal) => literalPair(literal, file)),
  ];
  const data: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (!CONFIG_MAP_KEY.test(key) || key.length > 253) throw new KustomizeError(`${file}: ConfigMap ${args.name}: ${JSON.stringify(key)} is not a valid ConfigMap key`);
    if (Object.hasOwn(data, key)) throw new KustomizeError(`${file}: configmap ${args.name} illegally repeats the key \`${key}\``);
    data[key] = value;
  }
  // kustomize leaves `data` out of a ConfigMap with no pairs (and hashes it as such).
  return pairs.length === 0 ? {} : { data };
}
