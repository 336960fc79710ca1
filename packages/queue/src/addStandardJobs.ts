/**
 * Adds many plain jobs to a BullMQ queue with one call of a Lua script of our own per batch
 * (addStandardJobsScript.ts), which writes for each job what BullMQ's `addStandardJob` script — the one
 * `Queue.addBulk` runs for a job without delay, priority or parent — writes. The jobs in Redis are the ones
 * `addBulk` writes (test/addStandardJobs.test.ts compares them key by key, so a BullMQ upgrade that changes its
 * script fails there), and a worker, dedupe by job id, events and counts see no difference.
 *
 * What it leaves out is `addBulk`'s per-job and per-call bookkeeping (docs/benchmarks.md, issue 15): a `Job`
 * object per job (with its own `Scripts`), its `asJSON`, the options' validation and re-encoding, an ioredis
 * Pipeline per call, and in Redis one `EVALSHA` per job, whose setup cost more than the job's commands. The
 * producer's jobs all share one set of options, and the data arrives already serialised. `addBulk`'s id checks
 * (not an integer, no `:`) are kept: an event's id can be the caller's own.
 */
import { Job, type JobsOptions, type Queue } from 'bullmq';
import { ADD_STANDARD_JOBS_LUA } from './addStandardJobsScript.js';

/** One job: its id (never generated here), name and data as JSON. */
export interface StandardJob {
  readonly id: string;
  readonly name: string;
  readonly json: string;
}

/** The options every job of a producer gets: what `addStandardJob` takes (no delay, priority, parent, repeat, deduplication). */
export type StandardJobOptions = Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;

/**
 * Encodes `options` as BullMQ hands them to its script (`Job.optsAsJSON`), as JSON: the script decodes them into
 * the table BullMQ's msgpacked options become (the same keys in the same order, so `cjson.encode` stores the
 * same text), and a command of strings only is written by ioredis without assembling buffers. Call once per producer.
 */
export function encodeJobOptions(options: StandardJobOptions): (id: string) => string {
  // the key order of `Job`'s constructor (attempts first), then the id, as `addBulk` merges them
  const base = { attempts: options.attempts ?? 0, backoff: options.backoff, removeOnComplete: options.removeOnComplete, removeOnFail: options.removeOnFail };
  return (id) => JSON.stringify(Job.optsAsJSON({ ...base, jobId: id }));
}

/** Most jobs in one script call: a call runs atomically, so a huge `enqueueMany` must not hold Redis for long. */
const JOBS_PER_CALL = 250;

/** The command name of {@link ADD_STANDARD_JOBS_LUA} on a client (ioredis `defineCommand`: EVALSHA, EVAL on NOSCRIPT). */
const COMMAND = 'cioscaleAddStandardJobs';

/** The job id the options are encoded with once per call; the script puts each job's own in its place. */
const OPTIONS_ID = 'cioscale-job-id-placeholder';

type ScriptClient = Awaited<Queue['client']> & { [COMMAND]?: (...args: string[]) => Promise<number> };

/**
 * Adds `jobs` to `queue` in one round trip; resolves once Redis holds every one, rejects with the first
 * error (a job whose id is already in the queue is not an error: the first one stays, as `addBulk` keeps it).
 * One script call per {@link JOBS_PER_CALL} jobs (addStandardJobsScript.ts), sent together.
 */
export async function addStandardJobs(queue: Queue, jobs: readonly StandardJob[], encodedOptions: (id: string) => string): Promise<void> {
  const client = (await queue.client) as ScriptClient;
  // before anything is written, as addBulk checks (Job.validateOptions) before its pipeline goes
  for (const job of jobs) checkJobId(job.id);
  if (!client[COMMAND]) client.defineCommand(COMMAND, { numberOfKeys: 9, lua: ADD_STANDARD_JOBS_LUA });
  const keys = queue.keys;
  const head = [keys.wait, keys.paused, keys.meta, keys.id, keys.completed, keys.delayed, keys.active, keys.events, keys.marker, keys[''], String(Date.now()), encodedOptions(OPTIONS_ID), OPTIONS_ID] as string[];
  const calls: Promise<number>[] = [];
  for (let start = 0; start < jobs.length; start += JOBS_PER_CALL) {
    const args: string[] = [...head];
    for (const job of jobs.slice(start, start + JOBS_PER_CALL)) args.push(job.id, job.name, job.json);
    calls.push((client[COMMAND] as (...args: string[]) => Promise<number>)(...args));
  }
  await Promise.all(calls);
}

/** BullMQ's rules for a custom job id, with its messages: not an integer (its own ids are), no `:` (it splits keys on it). */
function checkJobId(id: string): void {
  if (`${parseInt(id, 10)}` === id) throw new Error('Custom Id cannot be integers');
  // three parts are a legacy repeatable job's id, which BullMQ still accepts
  if (id.includes(':') && id.split(':').length !== 3) throw new Error('Custom Id cannot contain :');
}
