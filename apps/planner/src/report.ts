/**
 * The plan as a person reads it (and as README.md quotes it), and as JSON for scripts. Numbers are rounded
 * here only; plan.ts keeps them exact.
 */
import { BATCH_BODY_BYTES, FLEET, MEASURED_WORKER } from './constants.js';
import { compact, gb, round, type Plan } from './plan.js';

const n = (value: number, digits = 0): string => round(value, digits).toLocaleString('en-US');

/** Seconds as "2 h 5 min", "14 min 3 s" or "42 s". */
export function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** The plan in plain text, one fact a line. */
export function formatPlan(plan: Plan): string {
  const { input, tier, rates, requests, fleet, redis } = plan;
  const perWorkspace = input.workspaces > 1 ? ' per workspace' : '';
  const lines = [
    `cioscale plan for ${compact(input.dailyOperations)} operations a day (peak ${input.peakFactor}×, ${input.avgOperationBytes}-byte operations, budget ${input.budget} req/s, ${input.workspaces} workspace${input.workspaces > 1 ? 's' : ''}, region ${input.region})`,
    '',
    `Tier: ${tier.name} — ${tier.architecture}`,
    `  why: ${plan.reason}`,
    '',
    'Requests',
    `  average ${n(rates.averageOpsPerSecond, 1)} operations/s, peak ${n(rates.peakOpsPerSecond, 1)} operations/s (${input.dailyOperations.toLocaleString('en-US')} / 86,400 × ${input.peakFactor})`,
    `  a byte-filled request carries ${n(requests.opsPerByteFilledRequest)} operations (floor(${BATCH_BODY_BYTES.toLocaleString('en-US')} / ${input.avgOperationBytes})); this tier sends ${n(requests.opsPerRequest)} per request (${tier.requestFilling})`,
    `  peak: ${n(requests.peakRequestsPerSecond, 2)} requests/s${perWorkspace} against a budget of ${input.budget} → headroom ${n(requests.headroom, 1)}×; the budget carries ${n(requests.budgetOpsPerSecond)} operations/s`,
    ...(plan.backfill
      ? [`  backfill of ${plan.backfill.rows.toLocaleString('en-US')} rows: ${n(plan.backfill.requests)} byte-filled requests at ${input.budget} req/s = ${duration(plan.backfill.seconds)}`]
      : []),
    '',
    `Worker fleet${perWorkspace}${fleet.applies ? '' : ` (not needed in the ${tier.name} tier; for when it grows)`}`,
    `  one pod: min(${FLEET.requestConcurrency} requests in flight / ${FLEET.requestLatencySeconds} s × ${n(fleet.batchOperations)} operations = ${n(fleet.requestBoundOpsPerPod)}, measured ${n(fleet.cpuBoundOpsPerPod)}) = ${n(fleet.opsPerPod)} operations/s`,
    `    measured on ${MEASURED_WORKER.machine} (${MEASURED_WORKER.source})`,
    `  replicas: ${fleet.replicasAtAverage} at the average, ${fleet.replicasAtPeak} at the peak (at ${FLEET.targetUtilization * 100} % of a pod, at least ${FLEET.minReplicas})`,
    `  maxReplicas ${fleet.maxReplicas}: ceil(${input.budget} req/s × ${n(fleet.batchOperations)} / ${n(fleet.opsPerPod)}); more pods only wait for the budget's tokens`,
    `  below full batches they close on time (${FLEET.batchMaxWaitMs} ms): up to ${n(fleet.timeClosedRequestsPerSecond, 2)} requests/s at the peak, fewer operations each (the bucket holds every pod to the budget)`,
    `  per pod: WORKER_CONCURRENCY ${n(fleet.jobsHeldPerPod)}, queue target ${n(fleet.queueTargetPerPod)} waiting operations (${FLEET.backlogSeconds} s of a pod's work), CPU request ${fleet.cpuRequestMillicores}m`,
    '',
    `Redis (a ${input.outageHours}-hour outage)${fleet.applies ? '' : ` (no Redis in the ${tier.name} tier; for when it grows)`}`,
    `  backlog: ${n(redis.backlogOperations)} operations, ${n(redis.bytesPerJob)} bytes each (measured) = ${gb(redis.backlogBytes)}; with the fork's copy ${gb(redis.memoryNeededBytes)}`,
    `  ${redis.layout}: ${redis.reason}`,
    `  each node: maxmemory at most ${gb(redis.nodeBytes / 2)} (half its memory, for the fork), maxmemory-policy noeviction, appendonly yes`,
    '',
    'What breaks first as volume grows (at this peak factor)',
    ...plan.limits.map((limit, index) => `  ${index + 1}. ${limit.name}: ${Number.isFinite(limit.bindsAtDailyOperations) ? `binds at ${compact(limit.bindsAtDailyOperations)} a day; raise ${limit.whatToRaise}` : 'never binds at this setting'}`),
    ...(plan.warnings.length > 0 ? ['', 'Warnings', ...plan.warnings.map((warning) => `  ! ${warning}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The plan as JSON (`Infinity` becomes `null`). */
export function planJson(plan: Plan): string {
  return JSON.stringify(plan, (_key, value: unknown) => (value === Infinity ? null : value), 2);
}
