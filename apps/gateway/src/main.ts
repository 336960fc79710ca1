#!/usr/bin/env node
/**
 * The cioscale ingest gateway: `cioscale-gateway` (`node dist/main.js` from the build), or `pnpm gateway` from
 * the sources. Speaks Customer.io's Track API; every accepted call is in Redis before it is answered 200.
 * Configuration from the environment (apps/gateway/README.md); SIGTERM/SIGINT drain within GATEWAY_DRAIN_TIMEOUT_MS.
 */
import { hostname } from 'node:os';
import { createProducer, createRedisClient, describeRedisTarget, GatewayChannel, MetricsChannel, QueueShards } from '@cioscale/queue';
import { BacklogWatch } from './backlog.js';
import { readGatewayConfig, type GatewayConfig } from './config.js';
import { GatewayMetrics } from './gatewayMetrics.js';
import { createGatewayServer, listen } from './gatewayServer.js';

const log = (message: string): void => void process.stdout.write(`${new Date().toISOString()} ${message}\n`);

const config = loadConfig();
const workspaces = config.workspaces.map((accepted) => accepted.workspace);
// fail fast (no offline queue): a call while Redis is down is answered 503 at once, never held in memory.
// The producer opens its own connection (createProducer takes an ioredis client for a cluster target);
// this one reads the backlog, publishes the reports and tells readiness.
const redis = createRedisClient(config.redis, 'producer', { commandTimeoutMs: config.enqueueTimeoutMs });
let redisDown = false;
redis.on('error', (error: Error) => {
  if (!redisDown) log(`redis ${describeRedisTarget(config.redis)} unavailable (${error.message}); answering 503 until it is back`);
  redisDown = true;
});
redis.on('ready', () => {
  if (redisDown) log(`redis ${describeRedisTarget(config.redis)} is back`);
  redisDown = false;
});
const producer = createProducer({ redis: config.redis, namespace: config.namespace, workspaces, timeoutMs: config.enqueueTimeoutMs });
const shards = new QueueShards(redis, config.namespace);
// the drain ETA reads what the workers report they finish (their metrics channel), not the budget: with the
// fleet down the budget still says 100 req/s, the reports say nothing drains
const workerReports = new MetricsChannel(redis, { namespace: config.namespace });
const backlog = new BacklogWatch(shards, workspaces, config.maxBacklog, {
  retryAfterSeconds: config.retryAfterSeconds,
  maxRetryAfterSeconds: config.maxRetryAfterSeconds,
  drain: config.maxDrainSeconds > 0 ? { maxSeconds: config.maxDrainSeconds, minBacklog: config.drainMinBacklog, windowMs: config.drainWindowMs, workers: () => workerReports.list() } : undefined,
});
const metrics = new GatewayMetrics(workspaces.map((workspace) => workspace.name), backlog);
const gateway = createGatewayServer({ config, producer, backlog, metrics, redisReady: () => redis.status === 'ready' });
const port = await listen(gateway, config.port);
void backlog.start(config.backlogRefreshMs);

const gatewayId = `${hostname()}-${process.pid}`;
const identity = { gatewayId, host: hostname(), pid: process.pid, startedAt: Date.now() };
const channel = new GatewayChannel(redis, { namespace: config.namespace });
const publisher = setInterval(() => void channel.publish(metrics.report(identity, backlog)).catch(() => undefined), 1_000);
log(
  `cioscale gateway ${gatewayId} listening on :${port}; redis ${describeRedisTarget(config.redis)}; ` +
    `workspaces ${config.workspaces.map(({ workspace, siteId }) => `${workspace.name} (site ${siteId})`).join(', ')}; backlog limit ${config.maxBacklog} operations` +
    (config.maxDrainSeconds > 0 ? `, drain ETA limit ${config.maxDrainSeconds} s past ${config.drainMinBacklog} operations` : ', no drain ETA limit'),
);

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${reason}: draining (deadline ${config.drainTimeoutMs} ms)`);
  setTimeout(() => process.exit(1), config.drainTimeoutMs + 5_000).unref();
  await gateway.drain(config.drainTimeoutMs);
  const unanswered = metrics.inFlight;
  clearInterval(publisher);
  backlog.stop();
  await Promise.race([channel.withdraw(gatewayId).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  await shards.close().catch(() => undefined);
  await producer.close();
  redis.disconnect();
  log(unanswered === 0 ? 'drained; every call was answered' : `drain deadline passed with ${unanswered} call(s) unanswered (their callers retry)`);
  process.exit(0);
}

function loadConfig(): GatewayConfig {
  try {
    return readGatewayConfig();
  } catch (error) {
    process.stderr.write(`cioscale gateway: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
