import type { Queue } from 'bullmq';
import type { DeadLetter } from './deadLetter.js';
import { bullJobOptions, jobIdOf, type OperationJobData, type OperationJobOptions } from './jobData.js';

/** Options of {@link replayDeadLetters}. */
export interface ReplayOptions {
  /** Only these ids. @defaultValue every record */
  readonly ids?: readonly string[];
  /** At most this many. @defaultValue no limit */
  readonly limit?: number;
  /** BullMQ options of the re-enqueued jobs. */
  readonly jobs?: OperationJobOptions;
}

/**
 * Re-enqueues dead-lettered operations with their original ids, so Customer.io deduplicates any event it
 * had in fact received, then removes them from the dead letter. The failed BullMQ job of the same id is
 * removed first: BullMQ ignores an add whose job id still exists.
 *
 * @returns the ids re-enqueued
 */
export async function replayDeadLetters(deadLetter: DeadLetter, queue: Queue<OperationJobData>, options: ReplayOptions = {}): Promise<string[]> {
  const jobOptions = bullJobOptions(options.jobs);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const replayed: string[] = [];
  const records = options.ids ? await deadLetter.get(options.ids) : deadLetter.entries();
  for await (const record of records) {
    if (replayed.length >= limit) break;
    const old = await queue.getJob(jobIdOf(record.id));
    if (old) {
      const state = await old.getState();
      // an id that is back in the queue (replayed already, or re-enqueued by its producer) is left alone
      if (state !== 'failed' && state !== 'completed') {
        await deadLetter.removeIfUnchanged(record);
        continue;
      }
      await old.remove();
    }
    const data: OperationJobData = { operation: record.operation, id: record.id, producedAt: Date.now(), workspace: record.workspace };
    await queue.add(record.operation.action, data, { ...jobOptions, jobId: jobIdOf(record.id) });
    // not a plain delete: a worker may already have dead-lettered it again, and that record must stay
    await deadLetter.removeIfUnchanged(record);
    replayed.push(record.id);
  }
  return replayed;
}
