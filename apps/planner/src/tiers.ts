/**
 * The brief's volume tiers and what each means in cioscale pieces. `tierOf` is the table; the arithmetic in
 * plan.ts says whether the numbers agree with it.
 */
import { TIER_BOUNDS } from './constants.js';

export type TierName = 'direct' | 'batched' | 'queue-backed' | 'distributed';

export interface Tier {
  readonly name: TierName;
  /** The brief's row, as the range of daily operations it covers. */
  readonly range: string;
  /** What to run. */
  readonly architecture: string;
  /** What this tier adds over the one below, in a sentence. */
  readonly because: string;
  /** How many operations one request carries in this tier's pieces. */
  readonly requestFilling: 'one per request' | 'byte-filled' | 'byte-filled, capped by the worker';
}

const TIERS: Readonly<Record<TierName, Tier>> = {
  direct: {
    name: 'direct',
    range: 'under 100K a day',
    architecture: 'direct API calls: @cioscale/customerio used straight from app code, one request per operation',
    because: 'one request per operation is fine while the peak stays under the budget',
    requestFilling: 'one per request',
  },
  batched: {
    name: 'batched',
    range: '100K up to 1M a day',
    architecture: 'batched API in-process: the core pipeline (validate → batch → throttle → send) in the importer or as a library',
    because: 'byte-filled /api/v2/batch requests carry thousands of operations each, so the budget stops binding',
    requestFilling: 'byte-filled',
  },
  'queue-backed': {
    name: 'queue-backed',
    range: '1M up to 10M a day',
    architecture: 'producers (or the gateway) enqueue into BullMQ on Redis, a worker fleet on Kubernetes delivers under one fleet-wide rate budget (k8s/base or k8s/overlays/keda)',
    because: 'producers all over the app need a durable buffer and one shared budget: an outage fills the queue instead of dropping operations',
    requestFilling: 'byte-filled, capped by the worker',
  },
  distributed: {
    name: 'distributed',
    range: 'over 10M a day',
    architecture: 'one queue and one budget per workspace (CIO_WORKSPACES_FILE), queue shards on Redis Cluster, regional routing (US/EU), a worker fleet per workspace with HPA or KEDA',
    because: "one workspace's budget, one Redis thread and one node's memory are shared limits: spread the volume over workspaces and shards",
    requestFilling: 'byte-filled, capped by the worker',
  },
};

/** The brief's tier for a daily volume: under 100K direct, [100K, 1M) batched, [1M, 10M] queue-backed, over 10M distributed. */
export function tierOf(dailyOperations: number): Tier {
  if (dailyOperations < TIER_BOUNDS.batchedFrom) return TIERS.direct;
  if (dailyOperations < TIER_BOUNDS.queueFrom) return TIERS.batched;
  if (dailyOperations <= TIER_BOUNDS.distributedAbove) return TIERS['queue-backed'];
  return TIERS.distributed;
}

/** The next tier up (the same one for `distributed`). */
export function nextTier(tier: Tier): Tier {
  const order: TierName[] = ['direct', 'batched', 'queue-backed', 'distributed'];
  return TIERS[order[Math.min(order.indexOf(tier.name) + 1, order.length - 1)] as TierName];
}
