import { type Observable, from, map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PipelineMetrics, RateLimitedError, TokenBucket, deliver, type BatchResponse, type FinishedRequest } from '../src/index.js';
import { envelopes } from './helpers.js';

const ok: BatchResponse = { status: 200, errors: [] };

describe("PipelineMetrics, the one source of a pipeline's metrics", () => {
  it('counts one 429 once in the snapshot and tells stream readers about it once', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const metrics = new PipelineMetrics(scheduler);
    const requests: FinishedRequest[] = [];
    const outcomes: string[] = [];
    metrics.requests.subscribe((request) => requests.push(request));
    metrics.outcomes.subscribe((status) => outcomes.push(status));
    scheduler.run(() => {
      let calls = 0;
      const transport = (): Observable<BatchResponse> =>
        timer(5).pipe(
          map(() => {
            if (++calls === 1) throw new RateLimitedError('429', { status: 429, retryAfterMs: 100 });
            return ok;
          }),
        );
      deliver(from(envelopes(2)), { transport, metrics, scheduler, retry: { random: () => 0 } }).subscribe();
    });
    expect(metrics.snapshot()).toMatchObject({ requests: 2, rateLimited: 1, retries: 1, delivered: 2, inFlight: 0, requestsInFlight: 0 });
    expect(requests).toEqual([
      { latencyMs: 5, result: 'rate_limited' },
      { latencyMs: 5, result: 'ok' },
    ]);
    expect(outcomes).toEqual(['delivered', 'delivered']);
  });

  it('is only recorded into by deliver(): the token source its snapshots show is the one it was made with', async () => {
    const recorder = new PipelineMetrics();
    const bucket = new TokenBucket({ rate: 50 });
    await new Promise<void>((resolve) => deliver(from(envelopes(1)), { transport: () => Promise.resolve(ok), tokenSource: bucket, metrics: recorder }).subscribe({ complete: resolve }));
    expect(recorder.snapshot().delivered).toBe(1);
    expect(recorder.snapshot()).not.toHaveProperty('tokens');
    expect(new PipelineMetrics(undefined, bucket).snapshot().tokens).toMatchObject({ ceiling: 50 });
  });
});
