import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queueLocation, waitListKey } from '@cioscale/queue';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jobsHeldPerPod, maxUsefulReplicas, queueTargetPerPod, readScalingArithmetic } from './arithmetic.js';
import type { K8sObject } from './render.js';
import { K8S_DIR, one, render } from './render.js';
import { createWorkerMetrics, deployedEnv, readAsWorker } from './worker.js';

type Behavior = Record<'scaleUp' | 'scaleDown', { stabilizationWindowSeconds: number; selectPolicy: string; policies: { type: string; value: number; periodSeconds: number }[] }>;
interface Target {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}
type Hpa = K8sObject & {
  spec: {
    scaleTargetRef: Target;
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: string; resource?: { name: string }; external?: { metric: { name: string; selector: { matchLabels: Record<string, string> } }; target: { averageValue: string } } }[];
    behavior: Behavior;
  };
};
type ScaledObject = K8sObject & {
  spec: {
    scaleTargetRef: Target;
    minReplicaCount: number;
    maxReplicaCount: number;
    advanced: { horizontalPodAutoscalerConfig: { behavior: Behavior } };
    triggers: { type: string; metadata: Record<string, string> }[];
  };
};

const base = render('base');
const keda = render('overlays/keda');
const hpa = one<Hpa>(base, 'HorizontalPodAutoscaler');
const scaledObject = one<ScaledObject>(keda, 'ScaledObject');
const { config } = readAsWorker(deployedEnv(base));
const external = hpa.spec.metrics.find((metric) => metric.type === 'External')?.external;
const redisTrigger = scaledObject.spec.triggers.find((trigger) => trigger.type === 'redis')?.metadata;

/** Label names of a metric the worker registers, read from prom-client's metric object. */
function workerLabelNames(metricName: string): string[] {
  const metric = createWorkerMetrics().registry.getSingleMetric(metricName);
  if (!metric) throw new Error(`the worker exports no metric named ${metricName}`);
  // prom-client keeps the declared label names on the metric; its types do not show them.
  return [...(metric as unknown as { labelNames: string[] }).labelNames];
}

describe('the HPA', () => {
  it('targets the worker Deployment', () => {
    const deployment = one(base, 'Deployment');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.metadata.name });
  });

  it('scales on CPU and on an External queue-depth metric', () => {
    expect(hpa.spec.metrics.map((metric) => metric.resource?.name ?? metric.type)).toEqual(['cpu', 'External']);
  });

  it('reads a metric the worker exports, selected by labels it has, for the workspace the worker serves', () => {
    expect(external).toBeDefined();
    const labels = workerLabelNames(external!.metric.name);
    expect(Object.keys(external!.metric.selector.matchLabels).filter((label) => !labels.includes(label))).toEqual([]);
    expect(external!.metric.selector.matchLabels['workspace']).toBe(config.workspaces[0]?.workspace.name);
    expect(external!.metric.selector.matchLabels['state']).toBe('waiting');
  });

  it('adds pods after 60 s of need and removes them after 300 s, one at a time', () => {
    const { scaleUp, scaleDown } = hpa.spec.behavior;
    expect(scaleUp.stabilizationWindowSeconds).toBe(60);
    expect(scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(scaleDown.selectPolicy).toBe('Min');
    expect(scaleDown.policies).toContainEqual({ type: 'Pods', value: 1, periodSeconds: 60 });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });
});

describe('the prometheus-adapter rule', () => {
  const configMap = one<K8sObject & { data: Record<string, string> }>(render('prometheus-adapter'), 'ConfigMap');
  const rules = (parse(configMap.data['config.yaml'] ?? '') as { externalRules: { seriesQuery: string; name: { matches: string; as: string }; metricsQuery: string }[] }).externalRules;
  const rule = rules.find((candidate) => candidate.name.as === external?.metric.name);

  it('provides the External metric the HPA reads', () => {
    expect(rule).toBeDefined();
  });

  it('reads it from the worker’s metric, with labels that metric has', () => {
    const series = /^(\w+)\{(.*)\}$/.exec(rule!.seriesQuery);
    expect(series?.[1]).toBe(external!.metric.name);
    expect(new RegExp(rule!.name.matches).test(series![1]!)).toBe(true);
    const labels = workerLabelNames(series![1]!);
    const used = [...series![2]!.matchAll(/(\w+)!?=/g)].map((match) => match[1]!).filter((label) => label !== 'namespace');
    const grouped = [...rule!.metricsQuery.matchAll(/by \(([^)]*)\)/g)].flatMap((match) => match[1]!.split(',').map((label) => label.trim())).filter((label) => /^\w+$/.test(label));
    expect([...used, ...grouped].filter((label) => !labels.includes(label))).toEqual([]);
  });

  it('takes the max of the workers’ reports of one queue, so the value does not grow with the pod count', () => {
    expect(rule!.metricsQuery).toMatch(/max by \([^)]*shard[^)]*\) \(<<\.Series>>\{<<\.LabelMatchers>>\}\)/);
  });
});

describe('maxReplicas and the queue target', () => {
  const sums = readScalingArithmetic();

  it('are worked out from the settings the worker is deployed with', () => {
    expect(sums.budget).toBe(config.workspaces[0]?.workspace.rate);
    expect(sums.concurrency).toBe(config.requestConcurrency);
    expect(sums.batchOperations).toBe(config.batchMaxOperations);
  });

  it('are what the written sums give', () => {
    expect(sums.writtenMaxReplicas).toBe(maxUsefulReplicas(sums));
    expect(sums.writtenQueueTarget).toBe(queueTargetPerPod(sums));
    expect(sums.writtenJobsHeld).toBe(jobsHeldPerPod(sums));
  });

  it('let every pod keep N requests in flight: it holds a batch for each and one filling', () => {
    // with fewer held jobs a pod never reaches N requests at once, and the per-pod rate the sums assume
    expect(config.concurrency).toBe(jobsHeldPerPod(sums));
  });

  it('are what the HPA and the ScaledObject use', () => {
    expect(hpa.spec.maxReplicas).toBe(maxUsefulReplicas(sums));
    expect(Number(external!.target.averageValue)).toBe(queueTargetPerPod(sums));
    expect(scaledObject.spec.maxReplicaCount).toBe(maxUsefulReplicas(sums));
    expect(Number(redisTrigger?.['listLength'])).toBe(queueTargetPerPod(sums));
  });

  it('are the numbers k8s/README.md gives', () => {
    const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(`ceil(${sums.budget} / (${sums.concurrency} / ${sums.latencySeconds})) = ${maxUsefulReplicas(sums)}`);
    expect(readme).toContain(`${sums.concurrency} / ${sums.latencySeconds} × ${sums.batchOperations} × ${sums.backlogSeconds} = ${queueTargetPerPod(sums).toLocaleString('en-US')}`);
  });
});

describe('the keda overlay', () => {
  it('replaces the HPA: KEDA creates its own, and two would fight over the replica count', () => {
    expect(keda.filter((object) => object.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('targets the worker Deployment with the HPA’s bounds and behaviour', () => {
    expect(scaledObject.spec.scaleTargetRef).toEqual(hpa.spec.scaleTargetRef);
    expect(scaledObject.spec.minReplicaCount).toBe(hpa.spec.minReplicas);
    expect(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(hpa.spec.behavior);
  });

  it('reads the wait list of the queue the worker consumes', () => {
    const workspace = config.workspaces[0]!.workspace.name;
    expect(redisTrigger?.['listName']).toBe(waitListKey(queueLocation(config.namespace, workspace)));
  });

  it('reads the Redis the worker uses, named from KEDA’s namespace', () => {
    expect(typeof config.redis).toBe('string');
    const url = new URL(config.redis);
    const namespace = one(keda, 'Deployment').metadata.namespace;
    const host = url.hostname.includes('.') ? url.hostname : `${url.hostname}.${namespace}.svc.cluster.local`;
    expect(redisTrigger?.['address']).toBe(`${host}:${url.port || '6379'}`);
  });
});
