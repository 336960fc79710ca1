/**
 * The end of a build: generated ConfigMaps get their content-hash suffix, then every reference to
 * one by its original name is rewritten to the new name — kustomize's addHashesToNames followed by
 * FixBackReferences, limited to ConfigMap references from pod specs (its nameReference field specs).
 */
import { UnsupportedKustomizeFeature } from './errors.js';
import { configMapHashSuffix } from './hash.js';
import { isObject, type JsonObject, type KubeObject, type Resource } from './types.js';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Kinds from which kustomize also rewrites ConfigMap names, in fields the renderer does not model. */
const OTHER_REFERRER_KINDS = new Set(['Node', 'Role', 'ClusterRole', 'Ingress']);

/** Renames the generated ConfigMaps of a finished build and fixes the references to them. */
export function finishGeneratedNames(resources: readonly Resource[], file: string): void {
  const renamed = new Map<string, string>();
  const originalNames: string[] = [];
  for (const { object, generated } of resources) {
    if (!generated) continue;
    const name = `${generated.originalName}-${configMapHashSuffix(object['data'] as Record<string, string> | undefined)}`;
    renamed.set(key(generated.originalName, object.metadata.namespace), name);
    originalNames.push(generated.originalName);
    object.metadata.name = name;
  }
  if (renamed.size === 0) return;
  for (const { object, source } of resources) {
    if (OTHER_REFERRER_KINDS.has(object.kind) && originalNames.some((original) => JSON.stringify(object).includes(JSON.stringify(original)))) {
      throw new UnsupportedKustomizeFeature(`a reference to a generated ConfigMap from a ${object.kind}`, file, `${object.kind} ${object.metadata.name} from ${source}`);
    }
    const podSpec = podSpecOf(object);
    if (podSpec) fixPodSpec(podSpec, (name) => renamed.get(key(name, object.metadata.namespace)));
  }
}

/** ConfigMaps are namespaced: a reference names one in the referrer's own namespace. */
const key = (name: string, namespace: string | undefined): string => `${namespace ?? ''}/${name}`;

function podSpecOf(object: KubeObject): JsonObject | undefined {
  let node: unknown = object;
  for (const field of POD_SPEC_PATHS[object.kind] ?? []) node = isObject(node) ? node[field] : undefined;
  return POD_SPEC_PATHS[object.kind] && isObject(node) ? node : undefined;
}

/** Rewrites the ConfigMap names in `spec` that `newName` knows. */
function fixPodSpec(spec: JsonObject, newName: (name: string) => string | undefined): void {
  const rename = (holder: unknown): void => {
    if (isObject(holder) && typeof holder['name'] === 'string') holder['name'] = newName(holder['name']) ?? holder['name'];
  };
  for (const container of [...objects(spec['containers']), ...objects(spec['initContainers'])]) {
    for (const variable of objects(container['env'])) rename(isObject(variable['valueFrom']) ? variable['valueFrom']['configMapKeyRef'] : undefined);
    for (const source of objects(container['envFrom'])) rename(source['configMapRef']);
  }
  for (const volume of objects(spec['volumes'])) {
    rename(volume['configMap']);
    for (const projected of objects(isObject(volume['projected']) ? volume['projected']['sources'] : undefined)) rename(projected['configMap']);
  }
}

const objects = (list: unknown): JsonObject[] => (Array.isArray(list) ? list.filter(isObject) : []);
