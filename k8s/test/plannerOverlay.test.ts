/**
 * The overlays `pnpm run plan -- --write-overlay <dir>` writes, rendered with the same renderer and checked the
 * way the shipped kustomizations are: every object valid against its schema, one object per name, a ConfigMap
 * the worker accepts, and the autoscaler's bounds and targets the plan's. The planner's fleet constants are
 * checked against the sums of base/hpa.yaml here too, so the default plan is the base.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET, writeOverlay, planCapacity, type Plan, type PlanInput } from '@cioscale/planner';
import { afterAll, describe, expect, it } from 'vitest';
import { renderKustomization } from '../src/kustomize/index.js';
import { maxUsefulReplicas, queueTargetPerPod, readScalingArithmetic } from './arithmetic.js';
import { validate } from './models.js';
import type { K8sObject } from './render.js';
import { K8S_DIR, one, render } from './render.js';
import { deployedEnv, readAsWorker, workerContainer } from './worker.js';

type Hpa = K8sObject & { spec: { minReplicas: number; maxReplicas: number; metrics: { type: string; resource?: { target: { averageUtilization: number } }; external?: { target: { averageValue: string } } }[] } };
type ScaledObject = K8sObject & { spec: { minReplicaCount: number; maxReplicaCount: number; triggers: { type: string; metadata: Record<string, string> }[] } };
type Resources = { requests: Record<string, string>; limits: Record<string, string> };

const scratch = mkdtempSync(join(tmpdir(), 'cio-plan-overlay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const plan = (overrides: Partial<PlanInput>): Plan =>
  planCapacity({ dailyOperations: 5_000_000, peakFactor: 8, budget: 100, avgOperationBytes: 220, outageHours: 6, workspaces: 1, region: 'us', redisNodeGb: 8, ...overrides });

/** Writes the plan's overlays into a fresh folder and renders both flavours. */
function written(name: string, subject: Plan): { hpa: K8sObject[]; keda: K8sObject[] } {
  const dir = join(scratch, name);
  writeOverlay(subject, dir, K8S_DIR);
  return { hpa: renderKustomization(dir), keda: renderKustomization(join(dir, 'keda')) };
}

const PLANS = {
  'the README example (5M a day)': plan({}),
  '40M a day over 4 workspaces in the EU, budget 300, 500-byte operations': plan({ dailyOperations: 40_000_000, peakFactor: 4, workspaces: 4, avgOperationBytes: 500, budget: 300, region: 'eu' }),
  '200M a day at 3× with a budget of 1000': plan({ dailyOperations: 200_000_000, peakFactor: 3, budget: 1_000 }),
};

describe.each(Object.entries(PLANS))('the overlay written for %s', (name, subject) => {
  const { hpa, keda } = written(name.replace(/\W+/g, '-'), subject);

  it.each([
    ['over k8s/base', hpa],
    ['over k8s/overlays/keda', keda],
  ])('renders %s into objects valid against their schemas, one per name', (_flavour, objects) => {
    for (const object of objects) expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    const ids = objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['over k8s/base', hpa],
    ['over k8s/overlays/keda', keda],
  ])('deploys, %s, a worker that accepts its settings: the plan’s budget, batch, held jobs, region and CPU request', (_flavour, objects) => {
    const { config } = readAsWorker(deployedEnv(objects));
    expect(config.workspaces[0]?.workspace.rate).toBe(subject.input.budget);
    expect(config.workspaces[0]?.region).toBe(subject.input.region);
    expect(config.batchMaxOperations).toBe(subject.fleet.batchOperations);
    expect(config.concurrency).toBe(subject.fleet.jobsHeldPerPod);
    expect(config.requestConcurrency).toBe(FLEET.requestConcurrency);
    expect(config.batchMaxWaitMs).toBe(FLEET.batchMaxWaitMs);
    const resources = workerContainer(objects)['resources'] as Resources;
    expect(resources.requests).toEqual({ cpu: `${subject.fleet.cpuRequestMillicores}m`, memory: FLEET.memoryRequest });
    expect(resources.limits['cpu']).toBe(`${FLEET.cpuLimitMillicores / 1000}`);
  });

  it('bounds the HPA and the ScaledObject by the plan: replicas at the average, maxReplicas where the budget binds, its queue target', () => {
    const autoscaler = one<Hpa>(hpa, 'HorizontalPodAutoscaler');
    expect(autoscaler.spec.minReplicas).toBe(subject.fleet.replicasAtAverage);
    expect(autoscaler.spec.maxReplicas).toBe(subject.fleet.maxReplicas);
    expect(autoscaler.spec.metrics.find((metric) => metric.type === 'External')?.external?.target.averageValue).toBe(String(subject.fleet.queueTargetPerPod));
    const scaled = one<ScaledObject>(keda, 'ScaledObject');
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([subject.fleet.replicasAtAverage, subject.fleet.maxReplicas]);
    expect(scaled.spec.triggers.find((trigger) => trigger.type === 'redis')?.metadata['listLength']).toBe(String(subject.fleet.queueTargetPerPod));
    expect(keda.filter((object) => object.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    // no fixed Deployment replicas: they would reset the autoscaler's count on every apply
    expect(one<K8sObject & { spec: { replicas?: number } }>(hpa, 'Deployment').spec.replicas).toBeUndefined();
  });
});

describe('the planner’s fleet constants', () => {
  const sums = readScalingArithmetic();
  const base = render('base');
  const { config } = readAsWorker(deployedEnv(base));
  const hpa = one<Hpa>(base, 'HorizontalPodAutoscaler');

  it('are the inputs of base/hpa.yaml and the settings the base deploys', () => {
    expect({ budget: sums.budget, concurrency: sums.concurrency, latency: sums.latencySeconds, batch: sums.batchOperations, backlog: sums.backlogSeconds }).toEqual({
      budget: plan({}).input.budget,
      concurrency: FLEET.requestConcurrency,
      latency: FLEET.requestLatencySeconds,
      batch: FLEET.batchMaxOperations,
      backlog: FLEET.backlogSeconds,
    });
    expect(config.batchMaxWaitMs).toBe(FLEET.batchMaxWaitMs);
    expect(hpa.spec.minReplicas).toBe(FLEET.minReplicas);
    expect(hpa.spec.metrics.find((metric) => metric.type === 'Resource')?.resource?.target.averageUtilization).toBe(FLEET.targetUtilization * 100);
    expect((workerContainer(base)['resources'] as Resources).requests).toEqual({ cpu: `${FLEET.cpuRequestMillicores}m`, memory: FLEET.memoryRequest });
  });

  it('give, for the default plan, the maxReplicas and queue target the base ships', () => {
    const defaults = plan({});
    expect(defaults.fleet.maxReplicas).toBe(maxUsefulReplicas(sums));
    expect(defaults.fleet.queueTargetPerPod).toBe(queueTargetPerPod(sums));
    expect(hpa.spec.maxReplicas).toBe(defaults.fleet.maxReplicas);
  });
});

describe('k8s/README.md, "Sized by the planner"', () => {
  const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
  const example = plan({});
  const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;

  it('shows the numbers the planner gives for its worked example', () => {
    expect(readme).toContain('pnpm run plan -- --daily-operations 5M --peak-factor 8 --outage-hours 6 --write-overlay deploy/plan');
    const rows = [
      `| peak | ${example.rates.peakOpsPerSecond.toFixed(2)} operations/s, ${example.requests.peakRequestsPerSecond.toFixed(2)} requests/s of the budget's ${example.input.budget} |`,
      `| minReplicas | ${example.fleet.replicasAtAverage} (`,
      `| maxReplicas | ${example.fleet.maxReplicas} = ceil(${example.input.budget} × ${example.fleet.batchOperations.toLocaleString('en-US')} / ${example.fleet.opsPerPod.toLocaleString('en-US')}) |`,
      `| queue target | ${example.fleet.queueTargetPerPod.toLocaleString('en-US')} waiting operations per pod |`,
      `\`CIO_RATE_LIMIT\` ${example.input.budget}, \`CIO_BATCH_MAX_OPERATIONS\` ${example.fleet.batchOperations}, \`WORKER_CONCURRENCY\` ${example.fleet.jobsHeldPerPod} |`,
      `| resource requests | cpu ${example.fleet.cpuRequestMillicores}m, memory ${FLEET.memoryRequest} |`,
      `| Redis | ${example.redis.backlogOperations.toLocaleString('en-US')} waiting jobs × ${example.redis.bytesPerJob.toLocaleString('en-US')} bytes = ${gb(example.redis.backlogBytes)}, ${gb(example.redis.memoryNeededBytes)} with the fork: ${example.redis.nodes} nodes of ${example.input.redisNodeGb} GB (${example.redis.layout}) |`,
    ];
    for (const row of rows) expect(readme).toContain(row);
  });
});
