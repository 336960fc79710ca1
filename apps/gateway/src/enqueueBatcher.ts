import type { EnqueueRequest, Producer } from '@cioscale/queue';
import type { BacklogWatch } from './backlog.js';

/** Options of {@link EnqueueBatcher}. */
export interface EnqueueBatcherOptions {
  /** Most operations written in one `enqueueMany`. @defaultValue 1_000 */
  readonly maxOperations?: number;
}

/**
 * Gathers the enqueues of the calls that arrive in one turn of the event loop into one `enqueueMany`
 * (one BullMQ `addBulk`, one round trip per queue), then settles each call with that write's outcome.
 *
 * Measured in bench/gateway.bench.ts: one `addBulk` per call made Redis round trips and BullMQ's per-call
 * bookkeeping the gateway's bottleneck. Each call is still answered only once its own operations are in
 * Redis — a failed write fails every call it carried, and none of them is answered 200.
 */
export class EnqueueBatcher {
  private pending: { requests: readonly EnqueueRequest[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private pendingOperations = 0;
  private scheduled = false;
  private readonly maxOperations: number;

  constructor(
    private readonly producer: Pick<Producer, 'enqueueMany'>,
    private readonly backlog: Pick<BacklogWatch, 'beginWrite' | 'endWrite'>,
    options: EnqueueBatcherOptions = {},
  ) {
    this.maxOperations = options.maxOperations ?? 1_000;
  }

  /** Resolves once Redis holds `requests`; rejects with the producer's error (e.g. `QueueUnavailableError`). */
  enqueueMany(requests: readonly EnqueueRequest[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pendingOperations + requests.length > this.maxOperations) this.flush();
      this.pending.push({ requests, resolve, reject });
      this.pendingOperations += requests.length;
      if (this.scheduled) return;
      this.scheduled = true;
      // after the I/O callbacks of this turn: every call whose body arrived in it joins the write
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const calls = this.pending;
    if (calls.length === 0) return;
    this.pending = [];
    this.pendingOperations = 0;
    const requests = calls.flatMap((call) => call.requests);
    const accepted = new Map<string, number>();
    void this.backlog
      .beginWrite()
      .then(() => this.producer.enqueueMany(requests))
      .then(
        () => {
          for (const request of requests) accepted.set(request.workspace ?? '', (accepted.get(request.workspace ?? '') ?? 0) + 1);
          this.backlog.endWrite(accepted);
          for (const call of calls) call.resolve();
        },
        (error: unknown) => {
          this.backlog.endWrite(accepted);
          for (const call of calls) call.reject(error);
        },
      );
  }
}
