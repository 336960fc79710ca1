import { type Observable, map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PipelineMetrics, TokenBucket, isRetryableError, sendBatches, type Batch, type BatchResponse, type Outcome } from '../src/index.js';
import { batchOf, envelopes } from './helpers.js';

/**
 * An app can end up with two copies of @cioscale/core (say, a transport built against another version):
 * their error classes differ, so decisions must go by `code`. These errors come from "another copy":
 * plain Errors with the right fields, whose classes this copy has never seen.
 */
function foreign(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`foreign ${code}`), { code, ...fields });
}

const ok: BatchResponse = { status: 200, errors: [] };
const retry = { random: () => 0.5, baseDelayMs: 100, maxAttempts: 3 };

describe('errors of another copy of @cioscale/core', () => {
  it('are retried, or not, by their code', () => {
    expect(isRetryableError(foreign('CIO_TRANSPORT_RATE_LIMITED'))).toBe(true);
    expect(isRetryableError({ code: 'CIO_TRANSPORT_SERVER' })).toBe(true);
    expect(isRetryableError(foreign('CIO_AUTH'))).toBe(false);
    expect(isRetryableError(foreign('CIO_TRANSPORT_BAD_REQUEST'))).toBe(false);
  });

  it('a foreign 429: waits its Retry-After, penalizes the token source, is counted once, then delivers', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const metrics = new PipelineMetrics(scheduler);
    let bucket: TokenBucket | undefined;
    scheduler.run(({ cold, expectObservable }) => {
      bucket = new TokenBucket({ rate: 100, burst: 10, scheduler });
      const answers = [cold<BatchResponse>('-#', {}, foreign('CIO_TRANSPORT_RATE_LIMITED', { retryAfterMs: 2000 })), cold<BatchResponse>('-r|', { r: ok })];
      let calls = 0;
      const [a] = envelopes(1) as [never];
      const out = cold<Batch<number>>('a|', { a: batchOf([a]) }).pipe(
        sendBatches(() => answers[calls++] as Observable<BatchResponse>, { tokenSource: bucket, retry, metrics, scheduler }),
      );
      expectObservable(out).toBe('- 2000ms -(x|)', { x: { status: 'delivered', envelope: a } });
    });
    expect(bucket?.state().rate).toBeLessThan(100);
    expect(metrics.snapshot()).toMatchObject({ requests: 2, rateLimited: 1, retries: 1 });
  });

  it('a foreign 401 stops the stream; a foreign 400 naming an operation rejects it and resends the rest', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const refused = foreign('CIO_AUTH', { status: 401 });
      expectObservable(cold<Batch<number>>('a|', { a: batchOf(envelopes(2)) }).pipe(sendBatches(() => cold('-#', {}, refused), { retry }))).toBe('-#', {}, refused);
    });
    const outcomes: Outcome<number>[] = [];
    const sent: number[][] = [];
    new TestScheduler(() => undefined).run(({ cold }) => {
      const transport = (batch: Batch): Observable<BatchResponse> => {
        sent.push(batch.envelopes.map((e) => e.source as number));
        if (sent.length > 1) return timer(1).pipe(map(() => ok));
        return cold('-#', {}, foreign('CIO_TRANSPORT_BAD_REQUEST', { status: 400, operationErrors: [{ batch_index: 1, reason: 'invalid', message: 'no' }] }));
      };
      cold<Batch<number>>('a|', { a: batchOf(envelopes(3)) }).pipe(sendBatches(transport, { retry })).subscribe((o) => outcomes.push(o));
    });
    expect(sent).toEqual([[0, 1, 2], [0, 2]]);
    expect(outcomes.map((o) => [o.envelope.source, o.status])).toEqual([
      [1, 'rejected'],
      [0, 'delivered'],
      [2, 'delivered'],
    ]);
  });
});
