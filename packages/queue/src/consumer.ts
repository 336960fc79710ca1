import {
  deliver,
  PipelineMetrics,
  type BatchOperationsOptions,
  type Envelope,
  type Outcome,
  type RetryPolicyOptions,
  type TokenSource,
  type Transport,
} from '@cioscale/core';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Subject } from 'rxjs';
import { applyConfiguredBudget } from './budget.js';
import type { RedisClient } from './connection.js';
import { DeadLetter } from './deadLetter.js';
import type { OperationJobData } from './jobData.js';
import type { InvalidJob } from './jobEnvelope.js';
import { deadLetterInvalidJob, OperationWorker, readJob } from './operationWorker.js';
import { writeCoalescer } from './writeCoalescer.js';
import { checkName, DEFAULT_NAMESPACE, queueLocation } from './keys.js';
import { RedisTokenSource } from './redisTokenSource.js';
import { CONSUMER_DEFAULTS } from './defaults.js';
import { decideJobFate, type Pending } from './jobFate.js';
import { within } from './within.js';
import type { ResolvedWorkspace } from './workspaces.js';
import type { Lane } from './lanes.js';

/** Options of {@link createConsumer}. */
export interface ConsumerOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. */
  readonly redis: RedisClient;
  /** The workspace served. */
  readonly workspace: ResolvedWorkspace;
  /** Key namespace. @defaultValue 'cio' */
  readonly namespace?: string;
  /** Shards to consume. @defaultValue every shard of the workspace */
  readonly shards?: readonly number[];
  /** Sends one batch to Customer.io (`@cioscale/customerio`'s `createTrackTransport(...).send`). */
  readonly transport: Transport;
  /**
   * Jobs held at once per shard, waiting in the micro-batcher or in a request. Below the batch size a batch never
   * fills and every job waits the whole `maxWaitMs`; to keep `requestConcurrency` requests in flight at a long
   * round trip it takes the batch size × (`requestConcurrency` + 1). Every held job costs garbage-collection
   * time, so the default (two batches) suits a Track API a few ms away, where requests rarely overlap.
   * @defaultValue {@link CONSUMER_DEFAULTS}.concurrency (1000)
   */
  readonly concurrency?: number;
  /** HTTP requests in flight at once. @defaultValue {@link CONSUMER_DEFAULTS}.requestConcurrency (4) */
  readonly requestConcurrency?: number;
  /** Micro-batching, over {@link CONSUMER_DEFAULTS}.batch (`{ maxOperations: 500, maxWaitMs: 100 }`) and core's byte limits. */
  readonly batch?: Omit<BatchOperationsOptions, 'scheduler' | 'onRejected'>;
  /** The pipeline's retries inside one BullMQ attempt, over {@link CONSUMER_DEFAULTS}.retry (`{ maxAttempts: 5, maxElapsedMs: 60_000 }`). */
  readonly retry?: RetryPolicyOptions;
  /**
   * The budget. @defaultValue a {@link RedisTokenSource} of the workspace, whose configured rate and burst
   * are applied at start by {@link applyConfiguredBudget} (only when the configuration changed)
   */
  readonly tokenSource?: TokenSource;
  /**
   * The lane of the fleet budget this consumer's requests take from (ignored with a custom `tokenSource`):
   * `bulk` for a backfill fleet, which gets what live traffic leaves (see `Lane`). @defaultValue 'live'
   */
  readonly lane?: Lane;
  /** BullMQ job lock, ms; a killed worker's jobs come back after it. @defaultValue {@link CONSUMER_DEFAULTS}.lockDurationMs (30_000) */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms. @defaultValue {@link CONSUMER_DEFAULTS}.stalledIntervalMs (30_000) */
  readonly stalledIntervalMs?: number;
  /** Told about every outcome (after the dead letter is written). Metrics are read from {@link Consumer.metrics}, not from here. */
  readonly onOutcome?: (outcome: Outcome<Pending>) => void;
  /** Told about errors that do not stop the consumer (Redis hiccups). */
  readonly onError?: (error: unknown) => void;
}

/** A running consumer of one workspace; see {@link createConsumer}. */
export interface Consumer {
  readonly workspace: string;
  /** The one metrics source of this consumer's pipeline: the worker's reports and Prometheus exporter read it. */
  readonly metrics: PipelineMetrics;
  readonly tokenSource: TokenSource;
  /** One BullMQ queue per consumed shard, for depth gauges. */
  readonly queues: readonly Queue<OperationJobData>[];
  readonly deadLetters: readonly DeadLetter[];
  /** Rejects when the consumer had to stop (bad credentials); never resolves otherwise. */
  readonly fatal: Promise<never>;
  /**
   * Whether the configured budget was applied at start (`applied`) or a budget set live was kept;
   * resolves once Redis answered, `undefined` with a custom `tokenSource`.
   */
  readonly budget: Promise<{ readonly applied: boolean; readonly rate: number; readonly burst: number; readonly ceiling: number } | undefined>;
  /** Jobs being processed now. */
  inFlight(): number;
  /** Re-reads the budget from Redis so `tokenSource.state()` is current while no request is sent. */
  refreshBudget(): Promise<void>;
  /**
   * Stops fetching, lets in-flight jobs finish for `deadlineMs`, then moves the rest back to wait
   * (never acknowledged undelivered), abandoning their token waits and requests, and closes. Every wait
   * is bounded — with Redis unreachable the returned jobs' locks expire and they come back as stalled —
   * so it resolves within `deadlineMs` + 3 s. Resolves with how many jobs were returned.
   */
  close(deadlineMs?: number): Promise<number>;
}

/**
 * Consumes a workspace's queues through core's pipeline: jobs become envelopes in one long-lived
 * `deliver()` stream (micro-batched into v2 batches, each request waiting for a token of the fleet-wide budget), and each job
 * completes only when its operation's outcome is known.
 *
 * - delivered → completed
 * - rejected → dead letter, then failed without retry (`UnrecoverableError`)
 * - failed → retried by BullMQ attempts with backoff; the last attempt writes the dead letter first;
 *   a 429 that outlasted the pipeline's retries pauses the queue (`worker.rateLimit`) without using an attempt
 * - the pipeline stopped (bad credentials) → back to wait untouched, for a worker with fixed credentials
 */
export function createConsumer(options: ConsumerOptions): Consumer {
  const namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
  const { workspace, redis } = options;
  const shards = options.shards ?? Array.from({ length: workspace.shards }, (_, shard) => shard);
  // The bucket gets its own connection: on the shared one, a take() queues behind the hundreds of job
  // completions BullMQ pipelines there, and a full batch waits for its token doing nothing (head-of-line
  // blocking; one worker went from 0.66–0.76 to 0.77–0.87 × the no-op ceiling, docs/benchmarks.md).
  const tokenConnection = options.tokenSource ? undefined : redis.duplicate();
  tokenConnection?.on('error', (error: unknown) => options.onError?.(error));
  const tokenSource =
    options.tokenSource ??
    new RedisTokenSource(tokenConnection ?? redis, { workspace: workspace.name, namespace, rate: workspace.rate, burst: workspace.burst, ...(options.lane && { lane: options.lane }), ...(options.onError && { onError: options.onError }) });
  const metrics = new PipelineMetrics(undefined, tokenSource);
  const envelopes = new Subject<Envelope<Pending>>();
  let pipeline: ReturnType<typeof deliver<Pending>>;
  try {
    // every pipeline option (batch, retry, concurrency) is checked here, before a job is fetched or the budget
    // written: a bad one is a ConfigurationError at start, never a first-batch failure taken for bad credentials
    pipeline = deliver(envelopes, {
      transport: options.transport,
      tokenSource,
      metrics,
      concurrency: options.requestConcurrency ?? CONSUMER_DEFAULTS.requestConcurrency,
      batch: { ...CONSUMER_DEFAULTS.batch, ...options.batch },
      retry: { ...CONSUMER_DEFAULTS.retry, ...options.retry },
    });
  } catch (error) {
    tokenConnection?.disconnect();
    throw error;
  }
  const budget = options.tokenSource
    ? Promise.resolve(undefined)
    : applyConfiguredBudget(redis, workspace.name, { rate: workspace.rate, burst: workspace.burst }, namespace).then(async ({ applied, state }) => {
        if (tokenSource instanceof RedisTokenSource) await tokenSource.refresh();
        return { applied, rate: workspace.rate, burst: workspace.burst, ceiling: state.ceiling };
      });
  budget.catch((error: unknown) => options.onError?.(error));
  const coalesceWrites = writeCoalescer(redis);
  const pending = new Set<Pending>();
  let stopped: Error | undefined;
  let failFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (failFatal = reject));
  fatal.catch(() => undefined);

  const subscription = pipeline.subscribe({
    next: (outcome) => {
      // the batch's job completions, written by BullMQ in this turn, leave in one write
      coalesceWrites();
      outcome.envelope.source.resolve(outcome);
    },
    error: (error: unknown) => {
      // bad credentials: nothing more can be delivered; every job goes back to wait untouched
      stopped = error instanceof Error ? error : new Error(String(error));
      for (const job of [...pending]) job.reject(stopped);
      // stop fetching: every job fetched now would only go back to wait
      for (const worker of workers) void worker.pause(true).catch(() => undefined);
      failFatal(stopped);
    },
  });

  const locations = shards.map((shard) => queueLocation(namespace, workspace.name, shard));
  const deadLetters = locations.map((location) => new DeadLetter(redis, location));
  const workers = locations.map((location, index) => {
    const deadLetter = deadLetters[index] as DeadLetter;
    const worker: Worker<OperationJobData> = new OperationWorker(
      location.name,
      async (job: Job<OperationJobData>, token?: string) => {
        const entry = await awaitOutcome(job);
        if (entry instanceof Error) {
          // returned, not failed: the operation keeps all its attempts
          await job.moveToWait(token);
          throw new WaitingError();
        }
        // retrying cannot fix malformed data: dead letter, then failed at the first attempt
        if ('invalid' in entry) throw new UnrecoverableError(await deadLetterInvalidJob(deadLetter, job, workspace.name, entry));
        options.onOutcome?.(entry);
        const verdict = await decideJobFate(entry, job, deadLetter);
        if (verdict.kind === 'rate_limited') {
          await worker.rateLimit(verdict.pauseMs);
          throw Worker.RateLimitError();
        }
        if (verdict.kind === 'rejected') throw new UnrecoverableError(verdict.message);
        if (verdict.kind === 'failed') throw verdict.error;
      },
      {
        connection: redis,
        prefix: location.prefix,
        concurrency: options.concurrency ?? CONSUMER_DEFAULTS.concurrency,
        lockDuration: options.lockDurationMs ?? CONSUMER_DEFAULTS.lockDurationMs,
        stalledInterval: options.stalledIntervalMs ?? CONSUMER_DEFAULTS.stalledIntervalMs,
        maxStalledCount: 3,
        autorun: true,
        // BullMQ honours worker.rateLimit() only on a queue with a limiter; this one never binds (the
        // budget is the token bucket) and is there so a 429 pause stops every worker's fetching
        limiter: { max: Number.MAX_SAFE_INTEGER - 1, duration: 1_000 },
      },
    );
    worker.on('error', (error) => options.onError?.(error));
    return worker;
  });
  const queues = locations.map((location) => new Queue<OperationJobData>(location.name, { connection: redis, prefix: location.prefix }));

  function awaitOutcome(job: Job<OperationJobData>): Promise<Outcome<Pending> | Error | InvalidJob> {
    if (stopped) return Promise.resolve(stopped);
    return new Promise<Outcome<Pending> | Error | InvalidJob>((resolve) => {
      const entry: Pending = {
        job,
        resolve: (outcome) => {
          pending.delete(entry);
          resolve(outcome);
        },
        reject: (error) => {
          pending.delete(entry);
          resolve(error);
        },
      };
      const envelope = readJob(job, workspace.name, entry);
      if ('invalid' in envelope) return resolve(envelope);
      pending.add(entry);
      envelopes.next(envelope);
    });
  }

  let closing: Promise<number> | undefined;
  return {
    workspace: workspace.name,
    metrics,
    tokenSource,
    queues,
    deadLetters,
    fatal,
    budget,
    inFlight: () => pending.size,
    refreshBudget: async () => {
      if (tokenSource instanceof RedisTokenSource) await tokenSource.refresh();
    },
    close: (deadlineMs = CONSUMER_DEFAULTS.drainTimeoutMs) =>
      (closing ??= (async () => {
        let returned = 0;
        const drained = Promise.all(workers.map((worker) => worker.close()));
        if (!(await within(drained, deadlineMs))) {
          returned = pending.size;
          const late = new Error('worker shutting down: returned to the queue');
          for (const job of [...pending]) job.reject(late);
          // their token waits and requests are abandoned: the jobs are going back to wait anyway
          subscription.unsubscribe();
          await within(drained, 2_000);
        }
        subscription.unsubscribe();
        envelopes.complete();
        await within(Promise.all(queues.map((queue) => queue.close())), 1_000);
        tokenConnection?.disconnect();
        return returned;
      })()),
  };
}
