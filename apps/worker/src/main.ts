#!/usr/bin/env node
/**
 * The cioscale worker: `cioscale-worker` (`node dist/main.js` from the build), or `pnpm run worker` from the sources.
 * Configuration from the environment (see README.md); SIGTERM/SIGINT drain within WORKER_DRAIN_TIMEOUT_MS.
 */
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createTransport, type Sink } from '@cioscale/customerio';
import { codeOf } from '@cioscale/core';
import { createConsumer, createRedisClient, describeRedisTarget, MetricsChannel, type Consumer } from '@cioscale/queue';
import { readWorkerConfig, type WorkerConfig } from './config.js';
import { startHttpServer } from './httpServer.js';
import { watchRedis } from './redisWatch.js';
import { createWorkerMetrics } from './promMetrics.js';

const log = (message: string): void => void process.stdout.write(`${new Date().toISOString()} ${message}\n`);

const config = loadConfig();

const redis = createRedisClient(config.redis, 'worker');
const redisWatch = watchRedis(redis, describeRedisTarget(config.redis), log);
const metrics = createWorkerMetrics();
// createTransport decides Track or Pipelines (CIO_API) and the batch size that API needs
const transports: Sink[] = config.workspaces.map((served) => createTransport({ ...served.sink, connections: config.requestConcurrency }));
const consumers: Consumer[] = config.workspaces.map((served, index) => {
  const name = served.workspace.name;
  const consumer = createConsumer({
    redis,
    namespace: config.namespace,
    workspace: served.workspace,
    transport: (transports[index] as Sink).send,
    lane: config.lane,
    concurrency: config.concurrency,
    requestConcurrency: config.requestConcurrency,
    batch: { maxOperations: config.batchMaxOperations, maxWaitMs: config.batchMaxWaitMs, maxBytes: (transports[index] as Sink).batchMaxBytes },
    retry: { maxAttempts: config.retryMaxAttempts },
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    onError: (error) => {
      // while Redis is down, watchRedis has said so once and counts the rest; BullMQ's own connections would repeat it
      if (redisWatch.absorb(error)) return;
      log(`worker ${name}: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  // the exporter and the reports published below read the same source: consumer.metrics
  metrics.watch(consumer);
  consumer.fatal.catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const refused = codeOf(error) === 'CIO_AUTH';
    const status = (error as { status?: number }).status;
    const advice = refused ? `Customer.io refused the credentials (${status !== undefined ? `HTTP ${status}` : message}); check ${served.credentialsEnv} (region ${served.region})` : message;
    void shutdown(`fatal: workspace ${name}: ${advice}; held jobs go back to the queue untouched`, 1);
  });
  consumer.budget.then((budget) => {
    if (!budget) return;
    const configured = `${budget.rate} req/s, burst ${budget.burst}`;
    log(`budget of ${name}: ${budget.applied ? `applied the configured ${configured}` : `kept the budget in Redis (${budget.ceiling} req/s); the configured ${configured} was applied before`}`);
  }, () => undefined);
  return consumer;
});

let draining = false;
const server = await startHttpServer(config.port, metrics.registry, { live: () => true, ready: () => !draining && redis.status === 'ready' });
const workerId = `${hostname()}-${process.pid}`;
const channel = new MetricsChannel(redis, { namespace: config.namespace });
const startedAt = Date.now();
const publish = (): Promise<void> =>
  channel.publish({ workerId, host: hostname(), pid: process.pid, startedAt, workspaces: Object.fromEntries(consumers.map((consumer) => [consumer.workspace, consumer.metrics.snapshot()])) }).catch(() => undefined);
const publisher = setInterval(() => {
  void publish();
  // the bucket gauges stay current while the queue is idle (a budget changed live shows at once)
  for (const consumer of consumers) void consumer.refreshBudget().catch(() => undefined);
}, 1_000);
log(
  `cioscale worker ${workerId} listening on :${(server.address() as AddressInfo).port}; redis ${describeRedisTarget(config.redis)}; ` +
    `workspaces ${config.workspaces.map((served) => `${served.workspace.name} (${served.workspace.rate} req/s)`).join(', ')}; lane ${config.lane}; target ${transports[0]?.description}`,
);

async function shutdown(reason: string, code: number): Promise<void> {
  if (draining) return;
  draining = true;
  log(`${reason}: draining (deadline ${config.drainTimeoutMs} ms)`);
  // hard stop a little after the deadline, whatever hangs: Kubernetes kills at 30 s anyway
  setTimeout(() => process.exit(code || 1), config.drainTimeoutMs + 5_000).unref();
  const returned = await Promise.all(consumers.map((consumer) => consumer.close(config.drainTimeoutMs)));
  clearInterval(publisher);
  // Redis may be gone: the report then expires by itself
  await Promise.race([channel.withdraw(workerId).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  await Promise.all(transports.map((transport) => transport.close()));
  server.close();
  redis.disconnect();
  log(`drained; ${returned.reduce((sum, count) => sum + count, 0)} job(s) returned to the queue`);
  process.exit(code);
}

function loadConfig(): WorkerConfig {
  try {
    return readWorkerConfig();
  } catch (error) {
    process.stderr.write(`cioscale worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
process.once('SIGINT', () => void shutdown('SIGINT', 0));
