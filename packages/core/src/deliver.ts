import { type Observable, type SchedulerLike, asyncScheduler, connect, filter, map, merge, tap } from 'rxjs';
import type { Envelope } from './envelope.js';
import type { PipelineMetrics } from './metrics.js';
import { isOutcome, rejected, type Outcome } from './outcome.js';
import { batchOperations, type BatchOperationsOptions } from './operators/batchOperations.js';
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
  /** How envelopes are packed into requests. */
  readonly batch?: Omit<BatchOperationsOptions, 'scheduler'>;
  /** Requests in flight at once. @defaultValue 4 */
  readonly concurrency?: number;
  /** Retry policy. @defaultValue DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicyOptions;
  /** Counters to report into. */
  readonly metrics?: PipelineMetrics;
  /** Check operations against Customer.io's limits before sending. @defaultValue true */
  readonly validate?: boolean;
  /** The clock of every time-based step. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The whole pipeline: validate → batch → throttle → send, one outcome per envelope.
 *
 * Invalid operations come out at once as `rejected` outcomes (they never reach the network); the
 * rest are packed into v2 batch requests, each request waits for a token, and every answer is turned
 * into per-envelope outcomes. Sources acknowledge on outcomes only.
 *
 * @example
 * deliver(envelopes$, { transport, tokenSource: new TokenBucket({ rate: 100 }) })
 *   .subscribe((outcome) => acknowledge(outcome));
 */
export function deliver<S>(envelopes: Observable<Envelope<S>>, options: DeliverOptions): Observable<Outcome<S>> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { metrics } = options;
  if (metrics && options.tokenSource) metrics.attachTokenSource(options.tokenSource);
  const send = sendBatches<S>(options.transport, {
    scheduler,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.tokenSource && { tokenSource: options.tokenSource }),
    ...(options.retry && { retry: options.retry }),
    ...(metrics && { metrics }),
  });

  return envelopes.pipe(
    tap(() => metrics?.operationsEntered()),
    map((envelope): Envelope<S> | Outcome<S> => {
      if (options.validate === false) return envelope;
      const rejection = validateOperation(envelope.operation, envelope.bytes);
      return rejection ? rejected(envelope, rejection) : envelope;
    }),
    splitOutcomes((valid) =>
      valid.pipe(
        batchOperations<S>({ ...options.batch, scheduler }),
        splitOutcomes((batches) => batches.pipe(send)),
      ),
    ),
    tap((outcome) => metrics?.outcome(outcome)),
  );
}

/** Lets outcomes already decided flow straight through while the rest goes down `work`. */
function splitOutcomes<T, S>(work: (rest: Observable<Exclude<T, Outcome<S>>>) => Observable<Outcome<S>>) {
  return (source: Observable<T | Outcome<S>>): Observable<Outcome<S>> =>
    source.pipe(
      connect((shared) =>
        merge(
          shared.pipe(filter((value): value is Outcome<S> => isOutcome(value))),
          work(shared.pipe(filter((value): value is Exclude<T, Outcome<S>> => !isOutcome(value)))),
        ),
      ),
    );
}
