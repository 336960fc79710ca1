/**
 * `namespace:` — sets metadata.namespace on every namespaced object, and renames a v1 Namespace
 * object to the namespace, as kustomize's namespace field specs do.
 */
import { UnsupportedKustomizeFeature } from './errors.js';
import type { Resource } from './types.js';

/**
 * Built-in kinds that are cluster-scoped in the Kubernetes OpenAPI kustomize consults. kustomize
 * leaves their metadata alone; apart from Namespace the renderer refuses them rather than guess.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'APIService', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'CertificateSigningRequest', 'ClusterTrustBundle', 'FlowSchema', 'PriorityLevelConfiguration', 'IPAddress', 'ServiceCIDR', 'PodSecurityPolicy',
]);

/** Namespaced kinds whose other fields kustomize's namespace transformer also rewrites (subjects). */
const KINDS_WITH_NAMESPACE_FIELDS = new Set(['RoleBinding']);

export function applyNamespace(resources: readonly Resource[], namespace: string, file: string): void {
  for (const resource of resources) {
    const { object } = resource;
    if (KINDS_WITH_NAMESPACE_FIELDS.has(object.kind)) throw new UnsupportedKustomizeFeature(`namespace on a ${object.kind}`, file, `${object.kind} ${object.metadata.name} from ${resource.source}`);
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') {
      resource.previousIds.push({ name: object.metadata.name, namespace: object.metadata.namespace });
      object.metadata.name = namespace;
    } else if (CLUSTER_SCOPED_KINDS.has(object.kind)) {
      throw new UnsupportedKustomizeFeature(`namespace with the cluster-scoped kind ${object.kind}`, file, `${object.kind} ${object.metadata.name} from ${resource.source}`);
    } else {
      // kustomize keeps the former namespace in the object's previous ids: patches still match it.
      resource.previousIds.push({ name: object.metadata.name, namespace: object.metadata.namespace });
      object.metadata.namespace = namespace;
    }
  }
}
