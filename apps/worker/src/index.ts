/**
 * What other packages of the repository use of the worker (the k8s manifests' tests run its config, probes
 * and metrics as the pod would). The worker itself is its bin, `main.ts`; `dlq.ts` and `loadgen.ts` are tools.
 */
export { readWorkerConfig, type ServedWorkspace, type WorkerConfig } from './config.js';
export { startHttpServer, type Probes } from './httpServer.js';
export { createWorkerMetrics, type WorkerMetrics } from './promMetrics.js';
