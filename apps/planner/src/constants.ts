/**
 * Every number the capacity planner uses, in one place, each with where it comes from: the product brief,
 * Customer.io's documented limits, a benchmark in `bench/` (docs/benchmarks.md) or a test that measures it.
 * docs/capacity-planning.md walks through how they combine. Change a figure here when its source changes,
 * and nowhere else.
 */
import { CUSTOMERIO_LIMITS, DEFAULT_BATCH, DEFAULT_BUDGET } from '@cioscale/core';

/**
 * The brief's scaling tiers, by operations a day (docs/design.md, "The scaling tiers"). Each bound is where
 * the next tier starts: under 100K direct, 100K up to 1M batched, 1M up to and including 10M queue-backed,
 * over 10M distributed. 10M itself stays queue-backed because the brief says "over 10M".
 */
export const TIER_BOUNDS = Object.freeze({ batchedFrom: 100_000, queueFrom: 1_000_000, distributedAbove: 10_000_000 });

/** Seconds in a day: daily volumes become rates. */
export const SECONDS_PER_DAY = 86_400;

/**
 * Customer.io's documented request limits (reference/customerio-api.md, the Track API's OpenAPI "Rate Limits"
 * and "v2 API Limits"): a batch request < 500 KB, each operation ≤ 32 KB, and a soft limit of 1000 requests/s
 * per workspace ("consistently exceeding it may lead to throttling or dropped data").
 */
export const CUSTOMERIO = Object.freeze({
  batchRequestBytes: CUSTOMERIO_LIMITS.batchRequestBytes,
  operationBytes: CUSTOMERIO_LIMITS.operationBytes,
  softLimitRequestsPerSecond: 1_000,
});

/** Bytes of operations a byte-filled batch request carries: core's `DEFAULT_BATCH.maxBytes` (500 KB minus padding). */
export const BATCH_BODY_BYTES = DEFAULT_BATCH.maxBytes;

/** The default request budget of a workspace, req/s: core's `DEFAULT_BUDGET` (the brief plans around ~100). */
export const DEFAULT_BUDGET_RATE = DEFAULT_BUDGET.rate;

/**
 * The worker fleet as k8s/base deploys it (base/worker.env and the sums in base/hpa.yaml; k8s/test checks
 * that these match the manifests).
 */
export const FLEET = Object.freeze({
  /** Requests in flight per pod (`WORKER_REQUEST_CONCURRENCY`). */
  requestConcurrency: 4,
  /** Seconds per full /api/v2/batch round trip: the assumption written in base/hpa.yaml ("measure yours"). */
  requestLatencySeconds: 0.5,
  /** Operations per request the worker closes a batch at (`CIO_BATCH_MAX_OPERATIONS`); byte-filling may close it sooner. */
  batchMaxOperations: 1_000,
  /** A batch closes this long after its first operation even if not full (`CIO_BATCH_MAX_WAIT_MS`, the queue's default). */
  batchMaxWaitMs: 100,
  /** Seconds of one pod's work waiting in the queue before another pod is worth starting (the queue target). */
  backlogSeconds: 30,
  /** Never fewer pods: a drain or a crash must not leave the queue without a consumer (base/hpa.yaml). */
  minReplicas: 2,
  /** The HPA's CPU target: pods are planned to run at 70 % of their capacity at the peak. */
  targetUtilization: 0.7,
  /** The pod's CPU request and memory request/limit in base/deployment.yaml (memory: measured peak 169 MiB at 5,000 held jobs). */
  cpuRequestMillicores: 250,
  cpuLimitMillicores: 1_000,
  memoryRequest: '384Mi',
});

/**
 * One cioscale worker process, measured: `pnpm --filter @cioscale/bench run queue` (docs/benchmarks.md,
 * "Queue tier", third look, the whole benchmark with the current code): 10,516 operations/s for one process,
 * and 9.9 s of worker CPU per 100,000 jobs (coalesced completions). Redis and the emulator shared the cores.
 */
export const MEASURED_WORKER = Object.freeze({
  opsPerSecond: 10_516,
  cpuSecondsPerOperation: 9.9 / 100_000,
  machine: '2 vCPU AMD EPYC, 23 GB, Node 20.20.2, Redis 7.0.15, BullMQ 5.81.5, load average 2.3–2.7, Redis and the emulator on the same two cores',
  source: 'docs/benchmarks.md, "Queue tier", third look (pnpm --filter @cioscale/bench run queue)',
});

/**
 * One process of the core pipeline, measured: the importer's rows/s over 1,000,000 rows into an emulator in its
 * own process (docs/benchmarks.md, "Bulk importer", third look, `BENCH_BUILT=1 pnpm --filter @cioscale/bench run
 * importer 1000000`): 44,601–63,609 rows/s; the lowest is planned with.
 */
export const MEASURED_IMPORTER = Object.freeze({ rowsPerSecond: 44_601 });

/**
 * What one BullMQ queue (one shard) on one Redis carries: the no-op BullMQ worker's ceiling, the lowest of the
 * quiet-machine runs (docs/benchmarks.md, "Queue tier", second look: 11,444 ops/s, Redis at 0.6–0.9 of a core).
 * Redis runs a queue's scripts on one thread, so past this a workspace's queue needs more shards.
 */
export const MEASURED_QUEUE_SHARD_OPS_PER_SECOND = 11_444;

/**
 * Redis memory of one waiting job, as a function of its operation's serialized size: the job hash (BullMQ's
 * fields, the job options and the `data` JSON around the operation) plus its entry in the wait list. Fitted
 * to `MEMORY USAGE` over a queue filled by the real producer (apps/planner/test/redisMemory.test.ts, which
 * fails if this drifts more than 20 % from what it measures): 1,100 bytes for a 231-byte identify, 1,996 for
 * a 1,031-byte one, Redis 7.0.15, BullMQ 5.81.5. The events stream is left out: BullMQ caps it at 10,000 entries.
 */
export const REDIS_JOB_BYTES = Object.freeze({ fixed: 845, perOperationByte: 1.12 });

/**
 * Redis can need up to twice its memory while it forks for an AOF rewrite or an RDB save (copy-on-write under
 * writes; redis.io, "Redis administration"), and the queue tier runs with AOF (BullMQ's production rules).
 */
export const REDIS_FORK_FACTOR = 2;

/** Memory of one Redis node (machine or container), GB, unless `--redis-memory-gb` says otherwise: an assumption, set yours. */
export const DEFAULT_REDIS_NODE_GB = 8;

/** Defaults of the command's flags (the worked example: an 8× peak, ~220-byte operations, a 6-hour outage). */
export const PLAN_DEFAULTS = Object.freeze({ peakFactor: 8, avgOperationBytes: 220, outageHours: 6, workspaces: 1, region: 'us' as const });
