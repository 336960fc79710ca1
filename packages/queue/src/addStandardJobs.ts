/**
 * Adds many plain jobs to a BullMQ queue with BullMQ's own `addStandardJob` script — the script `Queue.addBulk`
 * runs for a job without delay, priority or parent — given the same arguments, all in one socket write. The
 * jobs in Redis are the ones `addBulk` writes (test/addStandardJobs.test.ts compares them field by field, so a
 * BullMQ upgrade that changes the script's arguments fails there), and a worker, dedupe by job id, events and
 * counts see no difference.
 *
 * What it leaves out is `addBulk`'s per-job and per-call bookkeeping, measured as the gateway's largest cost
 * after the socket writes (docs/benchmarks.md, issue 15): a `Job` object per job (with its own `Scripts`),
 * its `asJSON` (three more `JSON.stringify` calls), the options' validation and re-encoding, and an ioredis
 * Pipeline per call. The producer's jobs all share one set of options, and the data arrives already
 * serialised. `addBulk`'s id checks (not an integer, no `:`) are kept: an event's id can be the caller's own.
 */
import { Job, type JobsOptions, type Queue } from 'bullmq';
import { Packr } from 'msgpackr';

// BullMQ's own encoder settings (classes/scripts.js): the script unpacks these with cmsgpack
const packer = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

/** One job: its id (never generated here), name and data as JSON. */
export interface StandardJob {
  readonly id: string;
  readonly name: string;
  readonly json: string;
}

/** The options every job of a producer gets: what `addStandardJob` takes (no delay, priority, parent, repeat, deduplication). */
export type StandardJobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;

/** Encodes `options` as BullMQ stores them; call once per producer. */
export function encodeJobOptions(options: StandardJobOptions): (id: string) => Buffer {
  // the key order of `Job`'s constructor (attempts first), then the id, as `addBulk` merges them
  const base = { attempts: options.attempts ?? 0, backoff: options.backoff, removeOnComplete: options.removeOnComplete, removeOnFail: options.removeOnFail };
  return (id) => packer.pack(Job.optsAsJSON({ ...base, jobId: id }));
}

/**
 * Adds `jobs` to `queue` in one round trip; resolves once Redis holds every one, rejects with the first
 * error (a job whose id is already in the queue is not an error: BullMQ's script keeps the first, as
 * `addBulk` does).
 */
export async function addStandardJobs(queue: Queue, jobs: readonly StandardJob[], encodedOptions: (id: string) => Buffer): Promise<void> {
  const client = await queue.client;
  const keys = queue.keys;
  const scriptKeys = [keys.wait, keys.paused, keys.meta, keys.id, keys.completed, keys.delayed, keys.active, keys.events, keys.marker];
  const timestamp = Date.now();
  // Scripts.addJob's arguments: prefix, custom id, name, timestamp, parent key, parent dependencies key, parent,
  // repeat job key, deduplication key
  const argsOf = (job: StandardJob) => [...scriptKeys, packer.pack([keys[''], job.id, job.name, timestamp, null, null, undefined, undefined, null]), job.json, encodedOptions(job.id)];
  // before anything is written, as addBulk checks (Job.validateOptions) before its pipeline goes
  for (const job of jobs) checkJobId(job.id);
  const socket = socketOf(client);
  let results: unknown[];
  if (socket) {
    // one socket write for all the commands, as a pipeline would make, without an ioredis Pipeline: building one
    // copies every script BullMQ defines onto it, measured at ~5 % of the gateway's CPU (docs/benchmarks.md)
    socket.cork();
    let replies: Promise<unknown>[];
    try {
      replies = jobs.map((job) => queue.scripts.execCommand(client, 'addStandardJob', argsOf(job)) as Promise<unknown>);
    } finally {
      socket.uncork();
    }
    results = await Promise.all(replies);
  } else {
    // a cluster client has a socket per node: a pipeline routes the commands (all keys share the queue's hash tag)
    const pipeline = client.pipeline();
    for (const job of jobs) void queue.scripts.execCommand(pipeline, 'addStandardJob', argsOf(job));
    results = ((await pipeline.exec()) ?? []).map(([error, result]): unknown => {
      if (error) throw error;
      return result as unknown;
    });
  }
  // the script's error codes are negative numbers (-5: missing parent key, which a job without one cannot get)
  for (const result of results) if (typeof result === 'number' && result < 0) throw new Error(`BullMQ addStandardJob answered ${result}`);
}

/** BullMQ's rules for a custom job id, with its messages: not an integer (its own ids are), no `:` (it splits keys on it). */
function checkJobId(id: string): void {
  if (`${parseInt(id, 10)}` === id) throw new Error('Custom Id cannot be integers');
  // three parts are a legacy repeatable job's id, which BullMQ still accepts
  if (id.includes(':') && id.split(':').length !== 3) throw new Error('Custom Id cannot contain :');
}

/** The socket of a single-node ioredis client that is ready to write; undefined for a cluster or while (re)connecting. */
function socketOf(client: Awaited<Queue['client']>): { cork(): void; uncork(): void } | undefined {
  const candidate = client as unknown as { isCluster?: boolean; status?: string; stream?: { cork?: unknown; uncork?: unknown; writable?: boolean } };
  if (candidate.isCluster || candidate.status !== 'ready') return undefined;
  const stream = candidate.stream;
  return stream && stream.writable && typeof stream.cork === 'function' && typeof stream.uncork === 'function' ? (stream as { cork(): void; uncork(): void }) : undefined;
}
