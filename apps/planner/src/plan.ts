/**
 * The capacity model: from a daily volume, its peak and an outage budget to the tier, the request arithmetic,
 * the worker fleet, Redis and the limit that binds first. Pure arithmetic over constants.ts, so every figure
 * can be checked by hand (docs/capacity-planning.md does, and the tests assert its examples).
 */
import {
  BATCH_BODY_BYTES,
  CUSTOMERIO,
  FLEET,
  MEASURED_IMPORTER,
  MEASURED_QUEUE_SHARD_OPS_PER_SECOND,
  MEASURED_WORKER,
  REDIS_FORK_FACTOR,
  REDIS_JOB_BYTES,
  SECONDS_PER_DAY,
} from './constants.js';
import { nextTier, tierOf, type Tier } from './tiers.js';

export type Region = 'us' | 'eu';

/** What the planner is asked; every rate is for all workspaces together unless it says "per workspace". */
export interface PlanInput {
  readonly dailyOperations: number;
  /** Busiest rate ÷ the day's average rate. */
  readonly peakFactor: number;
  /** Request budget of each workspace, req/s. */
  readonly budget: number;
  /** Serialized size of an average operation, bytes. */
  readonly avgOperationBytes: number;
  /** How long Customer.io (or the fleet) may be unreachable while producers keep enqueueing, hours. */
  readonly outageHours: number;
  readonly workspaces: number;
  readonly region: Region;
  /** Rows of a one-off backfill to time at the budget. */
  readonly backfillRows?: number;
  /** `maxmemory` of one Redis node, GB (10^9 bytes). */
  readonly redisNodeGb: number;
}

export interface Limit {
  readonly name: string;
  /** Daily operations (all workspaces, at this peak factor) at which this limit binds; `Infinity` if never. */
  readonly bindsAtDailyOperations: number;
  readonly whatToRaise: string;
}

export interface Plan {
  readonly input: PlanInput;
  readonly tier: Tier;
  readonly reason: string;
  readonly rates: { readonly averageOpsPerSecond: number; readonly peakOpsPerSecond: number; readonly peakOpsPerSecondPerWorkspace: number };
  readonly requests: {
    /** Operations that fit in one 480,000-byte request body. */
    readonly opsPerByteFilledRequest: number;
    /** Operations one request of this tier carries. */
    readonly opsPerRequest: number;
    /** Requests/s at the peak, per workspace. */
    readonly peakRequestsPerSecond: number;
    /** budget ÷ peak requests/s. */
    readonly headroom: number;
    /** Operations/s one workspace's budget carries in this tier. */
    readonly budgetOpsPerSecond: number;
  };
  readonly backfill?: { readonly rows: number; readonly requests: number; readonly seconds: number };
  /** The worker fleet of one workspace (queue-backed and distributed tiers). */
  readonly fleet: {
    readonly applies: boolean;
    /** Operations per batch the worker closes at (`CIO_BATCH_MAX_OPERATIONS`). */
    readonly batchOperations: number;
    /** Jobs a pod holds: a batch per request in flight and one filling (`WORKER_CONCURRENCY`). */
    readonly jobsHeldPerPod: number;
    /** What one pod's requests in flight can carry: N / L × batch. */
    readonly requestBoundOpsPerPod: number;
    /** What one pod's CPU carried in the benchmark. */
    readonly cpuBoundOpsPerPod: number;
    /** The lower of the two. */
    readonly opsPerPod: number;
    readonly replicasAtAverage: number;
    readonly replicasAtPeak: number;
    /** Requests/s at the peak when batches close on time before they fill: a batch per pod every CIO_BATCH_MAX_WAIT_MS, at most the peak's operations. */
    readonly timeClosedRequestsPerSecond: number;
    /** Pods the peak would need at the target utilisation if the budget did not cap them. */
    readonly podsWanted: number;
    /** Pods beyond this only wait for tokens: they together can send the whole budget. */
    readonly maxReplicas: number;
    /** Waiting operations per pod worth another pod (HPA AverageValue, KEDA listLength). */
    readonly queueTargetPerPod: number;
    readonly cpuRequestMillicores: number;
  };
  readonly redis: {
    /** Operations enqueued during the outage, all workspaces. */
    readonly backlogOperations: number;
    readonly bytesPerJob: number;
    readonly backlogBytes: number;
    /** With room for the AOF-rewrite fork. */
    readonly memoryNeededBytes: number;
    readonly nodeBytes: number;
    /** Redis nodes (Cluster masters) the memory needs. */
    readonly nodes: number;
    /** Queue shards per workspace: for Redis's one thread per queue, and to spread over the nodes. */
    readonly shardsPerWorkspace: number;
    readonly layout: 'one Redis' | 'Redis Cluster';
    readonly reason: string;
  };
  /** Sorted: the first binds first. */
  readonly limits: readonly Limit[];
  readonly warnings: readonly string[];
}

const GB = 1e9;

/** Works out the plan; `input` must already be validated (args.ts). */
export function planCapacity(input: PlanInput): Plan {
  const tier = tierOf(input.dailyOperations);
  const W = input.workspaces;
  const averageOpsPerSecond = input.dailyOperations / SECONDS_PER_DAY;
  const peakOpsPerSecond = averageOpsPerSecond * input.peakFactor;
  const peakPerWorkspace = peakOpsPerSecond / W;

  const opsPerByteFilledRequest = Math.max(1, Math.floor(BATCH_BODY_BYTES / input.avgOperationBytes));
  const batchOperations = Math.min(opsPerByteFilledRequest, FLEET.batchMaxOperations);
  const opsPerRequest = tier.requestFilling === 'one per request' ? 1 : tier.requestFilling === 'byte-filled' ? opsPerByteFilledRequest : batchOperations;
  const peakRequestsPerSecond = peakPerWorkspace / opsPerRequest;
  const budgetOpsPerSecond = input.budget * opsPerRequest;

  const backfill =
    input.backfillRows === undefined
      ? undefined
      : (() => {
          // a backfill is the importer's job: byte-filled requests, the whole budget of one workspace
          const requests = Math.ceil(input.backfillRows / opsPerByteFilledRequest);
          return { rows: input.backfillRows, requests, seconds: requests / input.budget };
        })();

  const fleet = planFleet(tier, input, averageOpsPerSecond / W, peakPerWorkspace, batchOperations);
  const redis = planRedis(input, peakOpsPerSecond);
  const limits = bindingLimits(input, tier, opsPerRequest, fleet, redis);
  const warnings = planWarnings(input, tier, peakRequestsPerSecond, fleet, redis, limits);
  const reason = `${compact(input.dailyOperations)} operations a day is ${tier.range} in the brief's table; with a peak of ${input.peakFactor}× that is ${round(peakOpsPerSecond)} operations/s, ${round(peakRequestsPerSecond, 2)} requests/s per workspace against a budget of ${input.budget} (${tier.requestFilling}); ${tier.because}`;
  return {
    input,
    tier,
    reason,
    rates: { averageOpsPerSecond, peakOpsPerSecond, peakOpsPerSecondPerWorkspace: peakPerWorkspace },
    requests: { opsPerByteFilledRequest, opsPerRequest, peakRequestsPerSecond, headroom: input.budget / peakRequestsPerSecond, budgetOpsPerSecond },
    ...(backfill && { backfill }),
    fleet,
    redis,
    limits,
    warnings,
  };
}

function planFleet(tier: Tier, input: PlanInput, averagePerWorkspace: number, peakPerWorkspace: number, batchOperations: number): Plan['fleet'] {
  const requestBoundOpsPerPod = (FLEET.requestConcurrency / FLEET.requestLatencySeconds) * batchOperations;
  const cpuBoundOpsPerPod = MEASURED_WORKER.opsPerSecond;
  const opsPerPod = Math.min(requestBoundOpsPerPod, cpuBoundOpsPerPod);
  // at full use, this many pods send the whole budget; one more would only wait for tokens
  const maxReplicas = Math.max(FLEET.minReplicas, Math.ceil((input.budget * batchOperations) / opsPerPod));
  const wanted = (opsPerSecond: number): number => Math.max(FLEET.minReplicas, Math.ceil(opsPerSecond / (opsPerPod * FLEET.targetUtilization)));
  const pods = (opsPerSecond: number): number => Math.min(maxReplicas, wanted(opsPerSecond));
  const replicasAtPeak = pods(peakPerWorkspace);
  // what one pod's share of the peak costs in CPU, rounded up to 50m, between the base's request and the limit
  const peakMillicores = ((peakPerWorkspace / replicasAtPeak) * MEASURED_WORKER.cpuSecondsPerOperation * 1000) / FLEET.targetUtilization;
  const cpuRequestMillicores = Math.min(FLEET.cpuLimitMillicores, Math.max(FLEET.cpuRequestMillicores, Math.ceil(peakMillicores / 50) * 50));
  return {
    applies: tier.name === 'queue-backed' || tier.name === 'distributed',
    batchOperations,
    jobsHeldPerPod: batchOperations * (FLEET.requestConcurrency + 1),
    requestBoundOpsPerPod,
    cpuBoundOpsPerPod,
    opsPerPod,
    replicasAtAverage: pods(averagePerWorkspace),
    replicasAtPeak,
    podsWanted: wanted(peakPerWorkspace),
    timeClosedRequestsPerSecond: Math.min(peakPerWorkspace, replicasAtPeak * (1000 / FLEET.batchMaxWaitMs)),
    maxReplicas,
    queueTargetPerPod: Math.round(opsPerPod * FLEET.backlogSeconds),
    cpuRequestMillicores,
  };
}

/**
 * The backlog an outage leaves: the peak rate for the whole outage, but never more than the day's volume
 * per 24 hours of it (a peak cannot last all day: the day's average would be higher).
 */
export function backlogFraction(peakFactor: number, outageHours: number): number {
  return Math.min((peakFactor * outageHours) / 24, Math.max(1, outageHours / 24));
}

function planRedis(input: PlanInput, peakOpsPerSecond: number): Plan['redis'] {
  const backlogOperations = Math.ceil(input.dailyOperations * backlogFraction(input.peakFactor, input.outageHours));
  const bytesPerJob = Math.round(REDIS_JOB_BYTES.fixed + REDIS_JOB_BYTES.perOperationByte * input.avgOperationBytes);
  const backlogBytes = backlogOperations * bytesPerJob;
  const memoryNeededBytes = backlogBytes * REDIS_FORK_FACTOR;
  const nodeBytes = input.redisNodeGb * GB;
  const nodesForMemory = Math.max(1, Math.ceil(memoryNeededBytes / nodeBytes));
  // Redis runs every queue of a node on its one thread: past one shard's measured rate, queues need more nodes
  const nodesForThroughput = Math.ceil(peakOpsPerSecond / MEASURED_QUEUE_SHARD_OPS_PER_SECOND);
  const nodes = Math.max(nodesForMemory, nodesForThroughput);
  // a queue shard's keys share one hash tag, so a shard lives on one node: at least one shard per node
  const peakPerWorkspace = peakOpsPerSecond / input.workspaces;
  const shardsPerWorkspace = Math.max(1, Math.ceil(peakPerWorkspace / MEASURED_QUEUE_SHARD_OPS_PER_SECOND), Math.ceil(nodes / input.workspaces));
  const layout = nodes > 1 ? 'Redis Cluster' : 'one Redis';
  const why = [
    `${compact(backlogOperations)} waiting jobs × ${bytesPerJob.toLocaleString('en-US')} B = ${gb(backlogBytes)}, ×${REDIS_FORK_FACTOR} for the AOF-rewrite fork = ${gb(memoryNeededBytes)} against ${gb(nodeBytes)} per node`,
    nodesForMemory > 1 ? ` → ${nodesForMemory} nodes for memory` : ' → fits one node',
    nodesForThroughput > 1 ? `; ${round(peakOpsPerSecond)} ops/s at the peak is more than one Redis thread's ${MEASURED_QUEUE_SHARD_OPS_PER_SECOND.toLocaleString('en-US')} ops/s → ${nodesForThroughput} nodes for throughput` : '',
    shardsPerWorkspace > 1 ? `; ${shardsPerWorkspace} queue shards per workspace, so every node holds one` : '',
  ];
  return { backlogOperations, bytesPerJob, backlogBytes, memoryNeededBytes, nodeBytes, nodes, shardsPerWorkspace, layout, reason: why.join('') };
}

/**
 * Each limit as the daily volume (at this peak factor) where it binds, for the pieces this tier runs: the budget
 * and Customer.io's guidance always (with this tier's operations per request); one process of the core pipeline
 * in the batched tier; the worker fleet and Redis in the queue tiers.
 */
function bindingLimits(input: PlanInput, tier: Tier, opsPerRequest: number, { opsPerPod, maxReplicas }: Plan['fleet'], redis: Plan['redis']): Limit[] {
  const daily = (peakOpsPerSecond: number): number => (peakOpsPerSecond * SECONDS_PER_DAY) / input.peakFactor;
  const W = input.workspaces;
  const perRequest = `${opsPerRequest.toLocaleString('en-US')} operation${opsPerRequest > 1 ? 's' : ''} a request`;
  const limits: Limit[] = [
    { name: `rate budget (${input.budget} req/s × ${perRequest} × ${W} workspace${W > 1 ? 's' : ''})`, bindsAtDailyOperations: daily(input.budget * opsPerRequest * W), whatToRaise: tier.name === 'direct' ? 'operations per request: the batched tier' : `--budget, up to Customer.io's ${CUSTOMERIO.softLimitRequestsPerSecond} req/s, or more workspaces` },
    { name: `Customer.io's guidance (${CUSTOMERIO.softLimitRequestsPerSecond} req/s per workspace, "not strictly enforced")`, bindsAtDailyOperations: daily(CUSTOMERIO.softLimitRequestsPerSecond * opsPerRequest * W), whatToRaise: 'the number of workspaces (or agree a higher rate with Customer.io)' },
  ];
  if (tier.name === 'batched') {
    limits.push({ name: `one process (the importer measured ${MEASURED_IMPORTER.rowsPerSecond.toLocaleString('en-US')} rows/s)`, bindsAtDailyOperations: daily(MEASURED_IMPORTER.rowsPerSecond), whatToRaise: 'processes: the queue-backed tier' });
  }
  if (tier.name === 'queue-backed' || tier.name === 'distributed') {
    const memoryPerDailyOperation = redis.bytesPerJob * REDIS_FORK_FACTOR * backlogFraction(input.peakFactor, input.outageHours);
    limits.push(
      { name: `worker fleet (${maxReplicas} pods × ${opsPerPod.toLocaleString('en-US')} ops/s at ${FLEET.targetUtilization * 100} %${W > 1 ? ' per workspace' : ''})`, bindsAtDailyOperations: daily(maxReplicas * opsPerPod * FLEET.targetUtilization * W), whatToRaise: 'what one pod carries (WORKER_REQUEST_CONCURRENCY, a faster machine: measure it with the queue benchmark), or the budget, which raises maxReplicas' },
      { name: `Redis CPU (${redis.nodes} node${redis.nodes > 1 ? 's' : ''} × ${MEASURED_QUEUE_SHARD_OPS_PER_SECOND.toLocaleString('en-US')} ops/s)`, bindsAtDailyOperations: daily(MEASURED_QUEUE_SHARD_OPS_PER_SECOND * redis.nodes), whatToRaise: 'Redis Cluster nodes, with queue shards per workspace (shards in CIO_WORKSPACES_FILE) to spread over them' },
      { name: `Redis memory (a ${input.outageHours}-hour backlog on ${redis.nodes} × ${gb(redis.nodeBytes)})`, bindsAtDailyOperations: memoryPerDailyOperation === 0 ? Infinity : (redis.nodeBytes * redis.nodes) / memoryPerDailyOperation, whatToRaise: '--redis-memory-gb, or Redis Cluster nodes and queue shards' },
    );
  }
  return limits.sort((a, b) => a.bindsAtDailyOperations - b.bindsAtDailyOperations);
}

function planWarnings(input: PlanInput, tier: Tier, peakRequestsPerSecond: number, fleet: Plan['fleet'], redis: Plan['redis'], limits: readonly Limit[]): string[] {
  const warnings: string[] = [];
  if (peakRequestsPerSecond > input.budget) {
    const next = nextTier(tier);
    warnings.push(`the ${tier.name} tier needs ${round(peakRequestsPerSecond, 2)} requests/s at the peak, over the budget of ${input.budget}: ${next.name === tier.name ? 'raise --budget or add workspaces' : `plan the ${next.name} tier`}`);
  }
  if (input.budget > CUSTOMERIO.softLimitRequestsPerSecond) warnings.push(`a budget of ${input.budget} req/s is over Customer.io's documented ${CUSTOMERIO.softLimitRequestsPerSecond} req/s per workspace, which "may lead to throttling or dropped data"`);
  if (fleet.applies && fleet.podsWanted > fleet.maxReplicas) {
    warnings.push(`the peak needs more pods than the budget can feed (maxReplicas ${fleet.maxReplicas}): a backlog builds at the peak and drains after it`);
  }
  if (tier.name === 'distributed' && input.workspaces === 1) warnings.push('over 10M a day the brief spreads the volume over several workspaces (--workspaces); the numbers below are for one');
  if (redis.layout === 'Redis Cluster') warnings.push(`the outage backlog needs ${redis.nodes} Redis nodes: run Redis Cluster with ${redis.shardsPerWorkspace} queue shard(s) per workspace`);
  for (const limit of limits.filter((candidate) => candidate.bindsAtDailyOperations <= input.dailyOperations)) warnings.push(`${limit.name} is already exceeded at this volume; raise ${limit.whatToRaise}`);
  return warnings;
}

/** 5000000 → "5M", 100000 → "100K", 1234567 → "1.23M". */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return 'never';
  const [unit, size] = value >= 1e9 ? ['B', 1e9] : value >= 1e6 ? ['M', 1e6] : value >= 1e3 ? ['K', 1e3] : ['', 1];
  return `${Number((value / size).toPrecision(3))}${unit}`;
}

/** Rounded to `digits` decimals, as a number (no trailing zeros). */
export function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

/** Bytes as GB with two decimals ("3.46 GB"). */
export function gb(bytes: number): string {
  return `${(bytes / GB).toFixed(2)} GB`;
}
