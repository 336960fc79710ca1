/**
 * The worker as other packages' tests start it (`@cioscale/worker/testing`, source only): a real worker
 * process, or a whole stack of Redis, emulator and workers.
 */
export { runWorkerScript, spawnWorker, workerScriptPath, type SpawnedWorker } from './spawnWorker.js';
export { get, metric, startStack, type Stack } from './stack.js';
