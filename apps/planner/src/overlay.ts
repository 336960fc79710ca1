/**
 * `--write-overlay <dir>`: the plan's numbers as kustomize overlays over the repository's manifests —
 * `<dir>/kustomization.yaml` over k8s/base (the HPA) and `<dir>/keda/kustomization.yaml` over
 * k8s/overlays/keda (KEDA). Only JSON 6902 patches, each guarded by a `test` of the field it relies on, so a
 * change of the base that moves a field makes the render fail instead of patching the wrong thing.
 *
 * No Deployment `replicas`: the HPA (or KEDA) owns the count, and a fixed number would reset it on every
 * apply. The plan's replicas are the autoscaler's bounds: minReplicas for the average, maxReplicas where the
 * budget binds.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { FLEET } from './constants.js';
import { compact, type Plan } from './plan.js';

/** k8s/ of the repository this planner is in (src/ and dist/ are both three levels below the root). */
export const REPOSITORY_K8S_DIR = fileURLToPath(new URL('../../../k8s', import.meta.url));

interface Operation {
  readonly op: 'replace' | 'test' | 'add';
  readonly path: string;
  readonly value: unknown;
}

/** The overlay's patches on the objects both flavours share (Deployment, ConfigMap). */
function sharedPatches(plan: Plan): { target: Record<string, string>; operations: Operation[] }[] {
  const { fleet, input } = plan;
  const container = '/spec/template/spec/containers/0';
  return [
    {
      target: { kind: 'ConfigMap', name: 'cioscale-worker' },
      operations: [
        { op: 'replace', path: '/data/CIO_RATE_LIMIT', value: String(input.budget) },
        { op: 'replace', path: '/data/CIO_BATCH_MAX_OPERATIONS', value: String(fleet.batchOperations) },
        { op: 'replace', path: '/data/WORKER_CONCURRENCY', value: String(fleet.jobsHeldPerPod) },
        { op: 'replace', path: '/data/CUSTOMERIO_REGION', value: input.region },
      ],
    },
    {
      target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'cioscale-worker' },
      operations: [
        { op: 'test', path: `${container}/name`, value: 'worker' },
        { op: 'replace', path: `${container}/resources/requests/cpu`, value: `${fleet.cpuRequestMillicores}m` },
        { op: 'replace', path: `${container}/resources/requests/memory`, value: FLEET.memoryRequest },
      ],
    },
  ];
}

function hpaPatch(plan: Plan): { target: Record<string, string>; operations: Operation[] } {
  return {
    target: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', name: 'cioscale-worker' },
    operations: [
      { op: 'replace', path: '/spec/minReplicas', value: plan.fleet.replicasAtAverage },
      { op: 'replace', path: '/spec/maxReplicas', value: plan.fleet.maxReplicas },
      { op: 'test', path: '/spec/metrics/1/type', value: 'External' },
      { op: 'replace', path: '/spec/metrics/1/external/target/averageValue', value: String(plan.fleet.queueTargetPerPod) },
    ],
  };
}

function scaledObjectPatch(plan: Plan): { target: Record<string, string>; operations: Operation[] } {
  return {
    target: { group: 'keda.sh', version: 'v1alpha1', kind: 'ScaledObject', name: 'cioscale-worker' },
    operations: [
      { op: 'replace', path: '/spec/minReplicaCount', value: plan.fleet.replicasAtAverage },
      { op: 'replace', path: '/spec/maxReplicaCount', value: plan.fleet.maxReplicas },
      { op: 'test', path: '/spec/triggers/0/type', value: 'redis' },
      { op: 'replace', path: '/spec/triggers/0/metadata/listLength', value: String(plan.fleet.queueTargetPerPod) },
    ],
  };
}

function kustomization(plan: Plan, resource: string, patches: { target: Record<string, string>; operations: Operation[] }[]): string {
  const { input } = plan;
  const header = [
    `# Written by cioscale-plan for ${compact(input.dailyOperations)} operations a day (peak ${input.peakFactor}×, ${input.avgOperationBytes}-byte operations,`,
    `# budget ${input.budget} req/s, ${input.workspaces} workspace(s), region ${input.region}). Run the command again to change it; docs/capacity-planning.md`,
    '# explains every number. minReplicas: pods at the average rate; maxReplicas: pods beyond it only wait for the budget.',
    ...(input.workspaces > 1 ? ['# Sized for one workspace: deploy one such fleet per workspace (CIO_WORKSPACES_FILE).'] : []),
  ];
  const body = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [resource],
    patches: patches.map(({ target, operations }) => ({ target, patch: stringify(operations).trimEnd() })),
  };
  return `${header.join('\n')}\n${stringify(body, { lineWidth: 0 })}`;
}

/**
 * Writes the two overlays into `dir` (created if needed), pointing at `k8sDir`'s base and KEDA overlay by
 * relative paths. @returns the files written (relative to `dir`) and the base they point at
 */
export function writeOverlay(plan: Plan, dir: string, k8sDir: string = REPOSITORY_K8S_DIR): { files: string[]; base: string } {
  const base = join(k8sDir, 'base');
  const keda = join(k8sDir, 'overlays', 'keda');
  if (!existsSync(join(base, 'kustomization.yaml'))) throw new Error(`no kustomization in ${base}: --write-overlay writes an overlay over the repository's k8s/base`);
  mkdirSync(join(dir, 'keda'), { recursive: true });
  const shared = sharedPatches(plan);
  writeFileSync(join(dir, 'kustomization.yaml'), kustomization(plan, relative(dir, base), [...shared, hpaPatch(plan)]));
  writeFileSync(join(dir, 'keda', 'kustomization.yaml'), kustomization(plan, relative(join(dir, 'keda'), keda), [...shared, scaledObjectPatch(plan)]));
  return { files: ['kustomization.yaml', 'keda/kustomization.yaml'], base: relative(dir, base) };
}
