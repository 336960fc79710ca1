import type { Envelope, Operation } from '@cioscale/core';
import { Worker, type Job, type JobJsonRaw } from 'bullmq';
import type { DeadLetter } from './deadLetter.js';
import type { OperationJobData } from './jobData.js';
import { jobEnvelope, type InvalidJob } from './jobEnvelope.js';

/** Jobs whose data BullMQ could not parse, with the text it found. */
const unparsable = new WeakMap<Job, { readonly text: string; readonly error: string }>();

/**
 * A BullMQ worker that survives job data which is not JSON.
 *
 * BullMQ parses `data` while it fetches a job, before any processor runs; a parse error escapes its fetch
 * loop as a worker `error` without the job's id, and the job, left active without a lock, cycles between
 * active and wait forever. Here such a job reaches the processor with `null` data instead, and
 * {@link readJob} reports what was wrong, so it is dead-lettered like any other malformed job.
 */
export class OperationWorker extends Worker<OperationJobData> {
  protected override createJob(raw: JobJsonRaw, jobId: string): Job<OperationJobData> {
    try {
      return super.createJob(raw, jobId);
    } catch (error) {
      // a parse error in another field (opts, progress) throws again here: that is not ours to fix
      const job = super.createJob({ ...raw, data: 'null' }, jobId);
      unparsable.set(job, { text: raw.data, error: error instanceof Error ? error.message : String(error) });
      return job;
    }
  }

  /**
   * Renews a job's lock from the moment it is fetched, not from the moment its processor starts.
   *
   * BullMQ's main loop fetches a worker's free slots one round trip after another (`moveToActive` each) and
   * starts the first processor only once they are all fetched; its lock manager learns of a job when the
   * processor starts. A lock runs from the fetch, so with a backlog every job fetched early goes unrenewed
   * while the rest are fetched: `concurrency` × the Redis round trip (5,000 slots at 6 ms, which a loaded
   * machine or a Redis in another zone gives, take 30 s: a whole default lock). Once a lock expires, the stalled
   * check takes the job back to wait while it is held, it is fetched and sent again, and finishing the first
   * copy fails with "Missing lock for job … moveToFinished". Tracked here, a job is renewed on the lock
   * manager's usual schedule (every half lock) counted from its fetch; the processor's own tracking later
   * replaces this entry with the same token and time.
   */
  protected override async nextJobFromJobData(jobData?: JobJsonRaw, jobId?: string, token?: string): Promise<Job<OperationJobData>> {
    const job = await super.nextJobFromJobData(jobData, jobId, token);
    // undefined when the queue had no job for this fetch, whatever the declared type says
    const fetched = job as Job<OperationJobData> | undefined;
    if (fetched?.id !== undefined && token !== undefined) this.lockManager.trackJob(fetched.id, token, fetched.processedOn ?? Date.now());
    return job;
  }
}

type RetryIfFailed = (this: Worker, fn: () => Promise<unknown>, opts: object) => Promise<unknown>;
const bullmqRetryIfFailed = (Worker.prototype as unknown as { retryIfFailed?: RetryIfFailed }).retryIfFailed;
if (typeof bullmqRetryIfFailed !== 'function') throw new Error('bullmq: Worker.prototype.retryIfFailed is gone; revisit OperationWorker');

/**
 * BullMQ retries a job's bookkeeping (completing it, failing it, fetching the next) after a connection error
 * until it succeeds, and skips the pause between tries once the worker is closing. A worker closed while Redis
 * is gone (close() gave up waiting for it) then retries on a connection that fails at once, without end: a busy
 * loop that starves the process's timers (measured: 100 % of a core, a job's stacktrace field grown to 1 MB).
 * While closing, one try is all there is; a job left behind keeps its lock until it expires and comes back as
 * stalled, as when a worker process dies.
 */
Object.defineProperty(OperationWorker.prototype, 'retryIfFailed', {
  value: function retryIfFailed(this: Worker, fn: () => Promise<unknown>, opts: object): Promise<unknown> {
    let tries = 0;
    const closing = (): boolean => Boolean((this as unknown as { closing?: unknown }).closing);
    const once = (): Promise<unknown> => {
      if (tries++ > 0 && closing()) return Promise.reject(new Error('worker closing: not retrying against a lost Redis connection'));
      return fn();
    };
    return bullmqRetryIfFailed.call(this, once, opts);
  },
});

/** {@link jobEnvelope} of a job fetched by an {@link OperationWorker}: data that was not JSON is invalid too. */
export function readJob<S>(job: Job<OperationJobData>, workspace: string, source: S): Envelope<S> | InvalidJob {
  const raw = unparsable.get(job);
  if (raw) return { invalid: { reason: 'invalid_job', field: 'data', message: `job data is not JSON (${raw.error})`, origin: 'local' } };
  return jobEnvelope(job.data, workspace, source);
}

/**
 * Writes the dead-letter record of a job that cannot become an operation; resolves with the message the
 * job fails with. The record's `operation` holds what the job carried in its place (the raw text, the data
 * without an operation, or the malformed operation), so `dlq export` shows what to fix; a job's text that
 * is not JSON is then replaced by `null` in Redis, so BullMQ's getters can read the job again.
 */
export async function deadLetterInvalidJob(deadLetter: DeadLetter, job: Job<OperationJobData>, workspace: string, { invalid }: InvalidJob): Promise<string> {
  const raw = unparsable.get(job);
  const data: unknown = raw ? undefined : job.data;
  const fields = typeof data === 'object' && data !== null ? (data as Partial<Record<keyof OperationJobData, unknown>>) : {};
  const carried = raw?.text ?? fields.operation ?? data;
  await deadLetter.add({
    // the envelope id when the data carries one: the job id may be its escaped form (jobIdOf)
    id: typeof fields.id === 'string' && fields.id !== '' ? fields.id : (job.id ?? String(fields.id)),
    workspace,
    // not an Operation: what stood in its place, kept for the person who fixes the producer
    operation: carried as Operation,
    producedAt: typeof fields.producedAt === 'number' && Number.isFinite(fields.producedAt) ? fields.producedAt : job.timestamp,
    status: 'rejected',
    reason: invalid.reason,
    message: invalid.message,
    field: invalid.field,
    origin: 'local',
    attempts: job.attemptsMade + 1,
    deadAt: Date.now(),
  });
  // every BullMQ getter (getFailed, getJob — and so replay) would throw on the stored text; it is in the record now
  if (raw) await job.updateData(null as unknown as OperationJobData);
  return `${invalid.reason} (${invalid.field}): ${invalid.message}`;
}
