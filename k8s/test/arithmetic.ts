/**
 * The sums written in the HPA manifest's header, read back so a test can redo them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S_DIR } from './render.js';

/** The documented inputs and results of base/hpa.yaml. */
export interface ScalingArithmetic {
  /** Fleet budget, requests/s. */
  readonly budget: number;
  /** Requests in flight per pod. */
  readonly concurrency: number;
  /** Seconds per full batch request. */
  readonly latencySeconds: number;
  /** Operations per request. */
  readonly batchOperations: number;
  /** Jobs each pod holds, as written. */
  readonly writtenJobsHeld: number;
  /** Seconds of work per pod worth another pod. */
  readonly backlogSeconds: number;
  /** The results as written. */
  readonly writtenMaxReplicas: number;
  readonly writtenQueueTarget: number;
}

/** Reads the `#   name  X = value` lines of the header of base/hpa.yaml. */
export function readScalingArithmetic(): ScalingArithmetic {
  const text = readFileSync(join(K8S_DIR, 'base/hpa.yaml'), 'utf8');
  const number = (pattern: RegExp, what: string): number => {
    const match = pattern.exec(text);
    if (!match?.[1]) throw new Error(`base/hpa.yaml does not state ${what} (${pattern})`);
    return Number(match[1]);
  };
  return {
    budget: number(/^#\s+budget\s+B = (\d+) req\/s/m, 'the budget B'),
    concurrency: number(/^#\s+concurrency\s+N = (\d+)/m, 'the concurrency N'),
    latencySeconds: number(/^#\s+latency\s+L = ([\d.]+) s/m, 'the latency L'),
    batchOperations: number(/^#\s+batch\s+O = (\d+) operations/m, 'the batch size O'),
    writtenJobsHeld: number(/^#\s+jobs held\s+O \* \(N \+ 1\) = (\d+)/m, 'the jobs held'),
    backlogSeconds: number(/^#\s+backlog\s+T = (\d+) s/m, 'the backlog T'),
    writtenMaxReplicas: number(/^#\s+maxReplicas\s+ceil\(B \/ \(N \/ L\)\) = (\d+)/m, 'maxReplicas'),
    writtenQueueTarget: number(/^#\s+queue target\s+N \/ L \* O \* T = (\d+)/m, 'the queue target'),
  };
}

/** Pods beyond this many cannot get requests from the budget: ceil(B / (N / L)). */
export function maxUsefulReplicas({ budget, concurrency, latencySeconds }: ScalingArithmetic): number {
  return Math.ceil(budget / (concurrency / latencySeconds));
}

/** Jobs a pod must hold to keep N requests in flight while the next batch fills: O × (N + 1). */
export function jobsHeldPerPod({ concurrency, batchOperations }: ScalingArithmetic): number {
  return batchOperations * (concurrency + 1);
}

/** Waiting operations per pod worth another pod: one pod's throughput for T seconds. */
export function queueTargetPerPod({ concurrency, latencySeconds, batchOperations, backlogSeconds }: ScalingArithmetic): number {
  return Math.round((concurrency / latencySeconds) * batchOperations * backlogSeconds);
}
