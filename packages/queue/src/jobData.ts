import type { Operation } from '@cioscale/core';

/**
 * What a queued job carries: the operation as it will be sent, its envelope id (also the BullMQ job id, through
 * {@link jobIdOf}, so an enqueue retried after a timeout does not add a second job) and when it was produced.
 */
export interface OperationJobData {
  /** The Track v2 operation; event operations already carry `id`. */
  readonly operation: Operation;
  /** Deterministic or random ULID: the envelope id, the job id and, for events, the event id. */
  readonly id: string;
  /** When the producer enqueued it, ms since the epoch. Enqueue → delivered latency starts here. */
  readonly producedAt: number;
  /** The workspace it is routed to. */
  readonly workspace: string;
}

/**
 * The BullMQ job id of an envelope id. BullMQ refuses a custom id that is an integer or holds `:` (it splits
 * keys on it), and an event's id can be the caller's own (`"42"`, `"order:7"`): one such id would fail the
 * whole write it shares with other callers' operations. Those ids, and any already starting with the `x-`
 * escape, are hex-encoded behind `x-`. That is injective and deterministic (a retried enqueue still finds
 * its job), and the identity for every ULID and ordinary id; the job's data keeps the envelope id as sent.
 */
export function jobIdOf(envelopeId: string): string {
  const safe = `${parseInt(envelopeId, 10)}` !== envelopeId && !envelopeId.includes(':') && !envelopeId.startsWith('x-');
  return safe ? envelopeId : `x-${Buffer.from(envelopeId, 'utf8').toString('hex')}`;
}

/** BullMQ job options every operation gets unless the producer overrides them. */
export interface OperationJobOptions {
  /** Tries of one job by BullMQ; the pipeline has already retried each request inside one try. @defaultValue 5 */
  readonly attempts?: number;
  /** First exponential backoff delay between BullMQ tries, in ms. @defaultValue 5_000 */
  readonly backoffMs?: number;
  /** Completed jobs kept so a re-enqueue of the same id is ignored: age in s and count. @defaultValue { age: 3600, count: 10_000 } */
  readonly keepCompleted?: { readonly age: number; readonly count: number };
  /** Failed jobs kept (the dead letter holds their operations and reasons). @defaultValue { age: 7 days, count: 10_000 } */
  readonly keepFailed?: { readonly age: number; readonly count: number };
}

/** The BullMQ `JobsOptions` for {@link OperationJobOptions}. */
export function bullJobOptions(options: OperationJobOptions = {}): {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: { age: number; count: number };
  removeOnFail: { age: number; count: number };
} {
  return {
    attempts: options.attempts ?? 5,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 5_000 },
    removeOnComplete: { ...(options.keepCompleted ?? { age: 3_600, count: 10_000 }) },
    removeOnFail: { ...(options.keepFailed ?? { age: 7 * 24 * 3_600, count: 10_000 }) },
  };
}
