import type { EnqueueRequest, Producer } from '@cioscale/queue';
import type { BacklogWatch } from './backlog.js';

/** Options of {@link EnqueueBatcher}. */
export interface EnqueueBatcherOptions {
  /** Most operations written in one `enqueueMany`; a batch this full is written at once, even beside another write. @defaultValue 1_000 */
  readonly maxOperations?: number;
}

interface PendingCall {
  readonly requests: readonly EnqueueRequest[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the enqueues of concurrent calls into one `enqueueMany` (one BullMQ pipeline, one socket write
 * per queue), then settles each call with the outcome of the write that carried it.
 *
 * Nagle-like, without a timer: while no write is in flight, the calls that arrive in one turn of the event
 * loop go out together right after it; while one is in flight, new calls wait for it to come back and then
 * go out together. At low load a call waits for nothing but its own write; under load batches grow by
 * themselves with the round trip, so the per-write costs (the pipeline, the socket write into Redis, which
 * measured as the gateway's largest cost — docs/benchmarks.md) are paid once for many calls. The producer
 * has one connection and Redis runs its commands in order, so a second write beside the first would not
 * land sooner; only a batch of `maxOperations` goes out beside one in flight, which bounds a write's size.
 *
 * Each call is still answered only once its own operations are in Redis: a failed write fails every call it
 * carried, none of them is answered 200, and calls of other writes are not affected.
 */
export class EnqueueBatcher {
  private pending: PendingCall[] = [];
  private pendingOperations = 0;
  private scheduled = false;
  private inFlight = 0;
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
      if (this.pendingOperations > 0 && this.pendingOperations + requests.length > this.maxOperations) this.flush();
      this.pending.push({ requests, resolve, reject });
      this.pendingOperations += requests.length;
      if (this.pendingOperations >= this.maxOperations) this.flush();
      else if (this.inFlight === 0) this.schedule();
      // else: the write in flight schedules the next one when it comes back
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // after the I/O callbacks of this turn: every call whose body arrived in it joins the write
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight === 0) this.flush();
    });
  }

  private flush(): void {
    const calls = this.pending;
    if (calls.length === 0) return;
    this.pending = [];
    this.pendingOperations = 0;
    this.inFlight++;
    const requests = calls.length === 1 ? (calls[0] as PendingCall).requests : calls.flatMap((call) => call.requests);
    const accepted = new Map<string, number>();
    void this.backlog
      .beginWrite()
      .then(() => this.producer.enqueueMany(requests))
      .then(
        () => {
          for (const request of requests) accepted.set(request.workspace ?? '', (accepted.get(request.workspace ?? '') ?? 0) + 1);
          this.backlog.endWrite(accepted);
          this.settled();
          for (const call of calls) call.resolve();
        },
        (error: unknown) => {
          this.backlog.endWrite(accepted);
          this.settled();
          for (const call of calls) call.reject(error);
        },
      );
  }

  /** A write came back: what gathered meanwhile goes out after this turn's I/O (which may add to it). */
  private settled(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.pending.length > 0) this.schedule();
  }
}

