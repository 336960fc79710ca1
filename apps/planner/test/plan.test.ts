import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planCapacity, type PlanInput } from '../src/plan.js';
import { tierOf } from '../src/tiers.js';

const DOC = readFileSync(new URL('../../../docs/capacity-planning.md', import.meta.url), 'utf8');
const input = (overrides: Partial<PlanInput>): PlanInput => ({ dailyOperations: 5_000_000, peakFactor: 8, budget: 100, avgOperationBytes: 220, outageHours: 6, workspaces: 1, region: 'us', redisNodeGb: 8, ...overrides });

describe("the brief's tiers, at each boundary", () => {
  it.each([
    [1, 'direct'],
    [99_999, 'direct'],
    [100_000, 'batched'],
    [999_999, 'batched'],
    [1_000_000, 'queue-backed'],
    [10_000_000, 'queue-backed'],
    [10_000_001, 'distributed'],
    [1_000_000_000, 'distributed'],
  ])('%i operations a day is %s', (daily, tier) => {
    expect(tierOf(daily).name).toBe(tier);
    expect(planCapacity(input({ dailyOperations: daily })).tier.name).toBe(tier);
  });

  it('sends one operation per request in the direct tier, byte-filled requests in the batched tier, at most the worker’s batch in the queue tiers', () => {
    expect(planCapacity(input({ dailyOperations: 50_000 })).requests.opsPerRequest).toBe(1);
    expect(planCapacity(input({ dailyOperations: 500_000 })).requests.opsPerRequest).toBe(2_181);
    expect(planCapacity(input({ dailyOperations: 5_000_000 })).requests.opsPerRequest).toBe(1_000);
    expect(planCapacity(input({ dailyOperations: 5_000_000, avgOperationBytes: 500 })).requests.opsPerRequest).toBe(960);
  });
});

/** Every figure of a worked example must be in docs/capacity-planning.md as written there. */
function expectInDoc(...texts: string[]): void {
  for (const text of texts) expect(DOC, `docs/capacity-planning.md should say ${text}`).toContain(text);
}

describe('example A of docs/capacity-planning.md: 5M a day, 8× peak, 6-hour outage', () => {
  const plan = planCapacity(input({ backfillRows: 10_000_000 }));

  it('is queue-backed, with the rates and requests worked out by hand', () => {
    expect(plan.tier.name).toBe('queue-backed');
    expect(plan.rates.averageOpsPerSecond).toBeCloseTo(57.87, 2);
    expect(plan.rates.peakOpsPerSecond).toBeCloseTo(462.96, 2);
    expect(plan.requests).toMatchObject({ opsPerByteFilledRequest: 2_181, opsPerRequest: 1_000, budgetOpsPerSecond: 100_000 });
    expect(plan.requests.peakRequestsPerSecond).toBeCloseTo(0.463, 3);
    expect(plan.requests.headroom).toBeCloseTo(216, 1);
    expect(plan.backfill).toEqual({ rows: 10_000_000, requests: 4_586, seconds: 45.86 });
    expectInDoc('= **57.87** ops/s', '= **462.96** ops/s', '= **2,181**', '= **1,000**', '= **0.46**', '= **216×**', '= **100,000** ops/s', '= **4,586** requests ÷ 100 req/s = **46 s**');
  });

  it('sizes the fleet: 2 pods at the peak, 13 at most because the budget binds', () => {
    expect(plan.fleet).toMatchObject({ opsPerPod: 8_000, replicasAtPeak: 2, replicasAtAverage: 2, maxReplicas: 13, queueTargetPerPod: 240_000, jobsHeldPerPod: 5_000, cpuRequestMillicores: 250, timeClosedRequestsPerSecond: 20 });
    expectInDoc('= **8,000** ops/s', '→ **2** (the minimum)', '= ceil(12.5) = **13**', '8,000 × 30 = **240,000**', '1,000 × 5 = **5,000**', '→ **250m**', '2 pods × 10 = **20** requests/s');
  });

  it('needs two Redis nodes for the outage backlog, which binds first', () => {
    expect(plan.redis).toMatchObject({ backlogOperations: 5_000_000, bytesPerJob: 1_091, backlogBytes: 5_455_000_000, memoryNeededBytes: 10_910_000_000, nodes: 2, shardsPerWorkspace: 2, layout: 'Redis Cluster' });
    expect(plan.limits.map((limit) => limit.name.split(' (')[0])).toEqual(['Redis memory', 'Redis CPU', 'worker fleet', 'rate budget', "Customer.io's guidance"]);
    expect(plan.limits.map((limit) => Math.round(limit.bindsAtDailyOperations / 10_000) * 10_000)).toEqual([7_330_000, 247_190_000, 786_240_000, 1_080_000_000, 10_800_000_000]);
    expectInDoc('**5,000,000** jobs', '**1,091** bytes', '= **5.46 GB**, ×2 = **10.91 GB**', '**2 nodes: Redis Cluster**', '= **7.33M** a day', '**247M**', '**786M**', '**1.08B**', '**10.8B**');
  });

  it('fits one 8 GB node with a 2-hour outage budget, and one 16 GB node with 6 hours', () => {
    const short = planCapacity(input({ outageHours: 2 }));
    expect(short.redis.backlogOperations).toBe(3_333_334);
    expect(short.redis.memoryNeededBytes / 1e9).toBeCloseTo(7.27, 2);
    expect(short.redis.layout).toBe('one Redis');
    expect(planCapacity(input({ redisNodeGb: 16 })).redis.layout).toBe('one Redis');
    expectInDoc('3.33M jobs, 7.27 GB with the fork', '`--redis-memory-gb 16` fits');
  });
});

describe('examples B, C and D of docs/capacity-planning.md', () => {
  it('B: 50K a day at 10× is direct, 5.79 requests/s, and the budget binds at 864K a day', () => {
    const plan = planCapacity(input({ dailyOperations: 50_000, peakFactor: 10 }));
    expect(plan.tier.name).toBe('direct');
    expect(plan.requests.peakRequestsPerSecond).toBeCloseTo(5.787, 3);
    expect(plan.requests.headroom).toBeCloseTo(17.28, 2);
    expect(plan.limits[0]?.name).toMatch(/^rate budget/);
    expect(plan.limits[0]?.bindsAtDailyOperations).toBe(864_000);
    expect(plan.warnings).toEqual([]);
    expectInDoc('peak **5.79** ops/s = **5.79** requests/s', '= **17.28×**', '= **864K** a day');
  });

  it('C: 90K a day at 100× is direct by the table, but its peak is over the budget: the plan says to batch', () => {
    const plan = planCapacity(input({ dailyOperations: 90_000, peakFactor: 100 }));
    expect(plan.tier.name).toBe('direct');
    expect(plan.requests.peakRequestsPerSecond).toBeCloseTo(104.17, 2);
    expect(plan.requests.headroom).toBeCloseTo(0.96, 2);
    expect(plan.warnings.join('\n')).toContain('plan the batched tier');
    expectInDoc('= **104.17** requests/s, headroom **0.96×**', '"plan the batched tier"');
  });

  it('D: 40M a day over 4 workspaces is distributed, with 15 Redis nodes and 4 shards per workspace', () => {
    const plan = planCapacity(input({ dailyOperations: 40_000_000, peakFactor: 4, workspaces: 4, avgOperationBytes: 500 }));
    expect(plan.tier.name).toBe('distributed');
    expect(plan.rates.peakOpsPerSecondPerWorkspace).toBeCloseTo(462.96, 2);
    expect(plan.requests.opsPerRequest).toBe(960);
    expect(plan.requests.peakRequestsPerSecond).toBeCloseTo(0.48, 2);
    expect(plan.fleet).toMatchObject({ opsPerPod: 7_680, maxReplicas: 13, queueTargetPerPod: 230_400, jobsHeldPerPod: 4_800 });
    expect(plan.redis).toMatchObject({ backlogOperations: 40_000_000, bytesPerJob: 1_405, backlogBytes: 56_200_000_000, nodes: 15, shardsPerWorkspace: 4, layout: 'Redis Cluster' });
    expectInDoc('**462.96** per workspace', '= **960** = O', '**0.48** requests/s', '= **7,680**', '**230,400**', '**4,800**', '**40,000,000** jobs', '**1,405** bytes', '= **56.20 GB**, ×2 = **112.40 GB**', '= **15 nodes**', '= **4** queue shards');
  });
});

describe('the plan warns', () => {
  it('when the peak needs more pods than the budget can feed', () => {
    const plan = planCapacity(input({ dailyOperations: 10_000_000, peakFactor: 700 }));
    expect(plan.fleet.podsWanted).toBeGreaterThan(plan.fleet.maxReplicas);
    expect(plan.fleet.replicasAtPeak).toBe(plan.fleet.maxReplicas);
    expect(plan.warnings.join('\n')).toContain('more pods than the budget can feed');
  });

  it('when the budget is over Customer.io’s documented 1000 req/s', () => {
    expect(planCapacity(input({ budget: 1_500 })).warnings.join('\n')).toContain("over Customer.io's documented 1000 req/s");
  });

  it('when a limit is already passed at the given volume', () => {
    expect(planCapacity(input({ dailyOperations: 2_000_000, peakFactor: 50, budget: 1 })).warnings.join('\n')).toMatch(/rate budget .* is already exceeded at this volume/);
  });
});

it('without an outage budget there is no backlog, and Redis memory never binds', () => {
  const plan = planCapacity(input({ outageHours: 0 }));
  expect(plan.redis.backlogOperations).toBe(0);
  expect(plan.limits.at(-1)).toMatchObject({ bindsAtDailyOperations: Infinity });
  expect(plan.limits.at(-1)?.name).toMatch(/^Redis memory/);
});
