import { type Observable, type SchedulerLike, asyncScheduler, connect, filter, map, merge, tap } from 'rxjs';
import type { Envelope } from './envelope.js';
import { ConfigurationError } from './errors.js';
import type { PipelineMetrics } from './metrics.js';
import { functionOption, nested, optionalWithMethods, schedulerOption } from './optionChecks.js';
import { rejected, type Outcome, type RejectedOutcome } from './outcome.js';
import { batchOperations, normalizeBatchOptions, tooLargeToBatch, type BatchOperationsOptions } from './operators/batchOperations.js';
import { sendBatches } from './operators/sendBatches.js';
import type { RetryPolicyOptions } from './retryPolicy.js';
import type { TokenSource } from './tokenSource.js';
import type { Transport } from './transport.js';
import { validateOperation } from './validate.js';

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** Sends one batch; `@cioscale/customerio` provides the real one. */
  readonly transport: Transport;
  /** The request budget. @defaultValue no limit (pass a `TokenBucket`!) */
  readonly tokenSource?: TokenSource;
  /** How envelopes are packed into requests. @defaultValue {@link DEFAULT_BATCH} */
  readonly batch?: Omit<BatchOperationsOptions, 'scheduler' | 'onRejected'>;
  /** Requests in flight at once. @defaultValue {@link DEFAULT_CONCURRENCY} (4) */
  readonly concurrency?: number;
  /** Retry policy. @defaultValue DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicyOptions;
  /**
   * Where the pipeline records what it does. `deliver` only records into it (operations in, outcomes,
   * requests, 429s, retries, latency) and never reconfigures it: the token source its snapshots show is
   * the one given to `new PipelineMetrics(scheduler, tokenSource)` by whoever owns both.
   * @defaultValue not recorded
   */
  readonly metrics?: PipelineMetrics;
  /** Check operations against Customer.io's limits before sending. @defaultValue true */
  readonly validate?: boolean;
  /** The clock of every time-based step. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The whole pipeline: validate → batch → await a token → send, one outcome per envelope.
 *
 * Invalid operations, and operations too large for any request, come out at once as `rejected`
 * outcomes (they never reach the batcher or the network); the rest are packed into v2 batch requests,
 * each request waits for a token, and every answer is turned into per-envelope outcomes. Sources
 * acknowledge on outcomes only.
 *
 * Why metrics are passed in rather than owned: the pipeline is an Observable, and a caller that
 * re-subscribes, or runs several pipelines against one budget, wants one set of counters it can read
 * while the stream runs. So the caller creates the {@link PipelineMetrics}, hands it over explicitly, and
 * `deliver` records into it and changes nothing else about it.
 *
 * @param options - see {@link DeliverOptions}; every option is validated here, when the pipeline is
 *   created, with a {@link ConfigurationError} naming it (`batch.maxBytes`, `retry.maxAttempts`, …)
 *
 * @example
 * deliver(envelopes$, { transport, tokenSource: new TokenBucket(DEFAULT_BUDGET) })
 *   .subscribe((outcome) => acknowledge(outcome));
 */
export function deliver<S>(envelopes: Observable<Envelope<S>>, options: DeliverOptions): Observable<Outcome<S>> {
  if (typeof options !== 'object' || options === null) throw ConfigurationError.option('options', 'an object with at least a transport', typeof options);
  functionOption('transport', options.transport, 'a function sending one batch');
  const scheduler = schedulerOption('scheduler', options.scheduler ?? asyncScheduler);
  const metrics = optionalWithMethods('metrics', options.metrics, ['operationsEntered', 'outcome'], 'a PipelineMetrics');
  const validate = options.validate ?? true;
  if (typeof validate !== 'boolean') throw ConfigurationError.option('validate', 'true or false', validate);
  const batch = nested('batch', () => normalizeBatchOptions<S>({ ...options.batch, scheduler }));
  const batching = batchOperations<S>(batch);
  const send = sendBatches<S>(options.transport, {
    scheduler,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.tokenSource !== undefined && { tokenSource: options.tokenSource }),
    ...(options.retry !== undefined && { retry: options.retry }),
    ...(metrics && { metrics }),
  });

  // Checked before batching, so the batcher only ever sees envelopes that fit and emits batches only.
  const check = (envelope: Envelope<S>): Envelope<S> | RejectedOutcome<S> => {
    const rejection = (validate ? validateOperation(envelope.operation, envelope.bytes) : undefined) ?? tooLargeToBatch(envelope, batch.maxBytes);
    return rejection ? rejected(envelope, rejection) : envelope;
  };

  return envelopes.pipe(
    tap(() => metrics?.operationsEntered()),
    map(check),
    connect((checked) => merge(checked.pipe(filter(isRejected)), checked.pipe(filter(isEnvelope), batching, send))),
    tap((outcome) => metrics?.outcome(outcome)),
  );
}

function isRejected<S>(value: Envelope<S> | RejectedOutcome<S>): value is RejectedOutcome<S> {
  return 'status' in value;
}

function isEnvelope<S>(value: Envelope<S> | RejectedOutcome<S>): value is Envelope<S> {
  return !('status' in value);
}
