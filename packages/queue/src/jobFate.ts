import { codeOf, type Outcome } from '@cioscale/core';
import type { Job } from 'bullmq';
import type { DeadLetter, DeadLetterRecord } from './deadLetter.js';
import type { OperationJobData } from './jobData.js';

/** A job waiting in the pipeline for its outcome: the envelope's `source`. */
export interface Pending {
  readonly job: Job<OperationJobData>;
  readonly resolve: (outcome: Outcome<Pending>) => void;
  readonly reject: (error: Error) => void;
}

/** What the BullMQ processor must do with a job once its outcome is known. */
export type Verdict =
  | { readonly kind: 'completed' }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'rate_limited'; readonly pauseMs: number };

/**
 * Decides a job's fate from its outcome, writing the dead letter first when the job will not be tried
 * again — so a crash between the two leaves the job to be retried, never lost.
 */
export async function decideJobFate(outcome: Outcome<Pending>, job: Job<OperationJobData>, deadLetter: DeadLetter): Promise<Verdict> {
  if (outcome.status === 'delivered') return { kind: 'completed' };
  const attempts = job.attemptsMade + 1;
  const base = { id: job.data.id, workspace: job.data.workspace, operation: job.data.operation, producedAt: job.data.producedAt, attempts, deadAt: Date.now() };
  if (outcome.status === 'rejected') {
    const { rejection } = outcome;
    const record: DeadLetterRecord = {
      ...base,
      status: 'rejected',
      reason: rejection.reason,
      message: rejection.message,
      origin: rejection.origin,
      ...(rejection.field !== undefined && { field: rejection.field }),
    };
    await deadLetter.add(record);
    return { kind: 'rejected', message: `${rejection.reason}: ${rejection.message}` };
  }
  const { error } = outcome;
  // by code, not class: the transport may have been built against another copy of @cioscale/core
  const last = codeOf(error) === 'CIO_TRANSPORT_RATE_LIMITED' ? error : error.cause;
  // 429s past the pipeline's own retries: pause the queue for the whole fleet; the job keeps its attempts
  if (codeOf(last) === 'CIO_TRANSPORT_RATE_LIMITED') return { kind: 'rate_limited', pauseMs: Math.max(1_000, retryAfterMsAsSent(last) ?? 5_000) };
  if (attempts >= (job.opts.attempts ?? 1)) {
    await deadLetter.add({ ...base, status: 'failed', reason: codeOf(error) ?? error.name, message: error.message });
  }
  return { kind: 'failed', error };
}

function retryAfterMsAsSent(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}
