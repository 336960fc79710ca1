/**
 * What other packages of the repository use of the gateway (the k8s manifests' tests serve its probes and
 * metrics as the pod would). The gateway itself is its bin, `main.ts`.
 */
export { BacklogWatch, type BacklogState } from './backlog.js';
export { readGatewayConfig, type AcceptedWorkspace, type GatewayConfig } from './config.js';
export { GatewayMetrics } from './gatewayMetrics.js';
export { createGatewayServer, listen, type GatewayDeps, type GatewayServer } from './gatewayServer.js';
