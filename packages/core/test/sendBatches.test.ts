import fc from 'fast-check';
import { type Observable, map, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  PipelineMetrics,
  RetriesExhaustedError,
  TokenBucket,
  transportError,
  sendBatches,
  type Batch,
  type BatchResponse,
  type Outcome,
} from '../src/index.js';
import { batchOf, envelopes } from './helpers.js';

const ok: BatchResponse = { status: 200, errors: [] };
const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
/** Retries without jitter surprises: full jitter × 0.5. */
const retry = { random: () => 0.5, baseDelayMs: 100, maxAttempts: 4 };

describe('sendBatches', () => {
  it('200: every envelope of the batch is delivered when the answer arrives', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const [a, b] = envelopes(2) as [never, never];
      const response = cold<BatchResponse>('--r|', { r: ok });
      const batches = cold<Batch<number>>('a|', { a: batchOf([a, b]) });
      expectObservable(batches.pipe(sendBatches(() => response))).toBe('--(xy|)', {
        x: { status: 'delivered', envelope: a },
        y: { status: 'delivered', envelope: b },
      });
      expectSubscriptions(response.subscriptions).toBe('^-!');
    });
  });

  it('207: the operations Customer.io named are rejected with its reason, the rest delivered', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const [a, b, c] = envelopes(3) as [never, never, never];
      const partial: BatchResponse = {
        status: 207,
        errors: [{ batch_index: 1, reason: 'invalid', field: 'identifiers.id', message: 'id is not valid' }],
      };
      const batches = cold<Batch<number>>('a|', { a: batchOf([a, b, c]) });
      expectObservable(batches.pipe(sendBatches(() => cold('-r|', { r: partial })))).toBe('-(xyz|)', {
        x: { status: 'delivered', envelope: a },
        y: {
          status: 'rejected',
          envelope: b,
          rejection: { reason: 'invalid', field: 'identifiers.id', message: 'id is not valid', origin: 'customerio' },
        },
        z: { status: 'delivered', envelope: c },
      });
    });
  });

  it('400 on a whole batch: splits in halves until the bad operation is alone, delivers the rest', () => {
    const all = envelopes(4);
    const bad = all[2];
    const sent: number[][] = [];
    const outcomes: Outcome<number>[] = [];
    newScheduler().run(({ cold }) => {
      const transport = (batch: Batch): Observable<BatchResponse> => {
        sent.push(batch.envelopes.map((e) => e.source as number));
        return batch.envelopes.includes(bad as never)
          ? cold('-#', {}, transportError('bad_request', 'Customer.io answered 400', { status: 400 }))
          : cold('-r|', { r: ok });
      };
      cold<Batch<number>>('a|', { a: batchOf(all) }).pipe(sendBatches(transport)).subscribe((o) => outcomes.push(o));
    });
    expect(sent).toEqual([[0, 1, 2, 3], [0, 1], [2, 3], [2], [3]]);
    expect(outcomes.map((o) => [o.envelope.source, o.status])).toEqual([
      [0, 'delivered'],
      [1, 'delivered'],
      [2, 'rejected'],
      [3, 'delivered'],
    ]);
    expect(outcomes[2]).toMatchObject({ rejection: { origin: 'customerio', reason: 'invalid' } });
  });

  it('400 naming the bad operations: rejects them and re-sends the rest without bisecting', () => {
    const all = envelopes(4);
    const sent: number[][] = [];
    const outcomes: Outcome<number>[] = [];
    newScheduler().run(({ cold }) => {
      const transport = (batch: Batch): Observable<BatchResponse> => {
        sent.push(batch.envelopes.map((e) => e.source as number));
        if (sent.length > 1) return cold('-r|', { r: ok });
        const error = transportError('bad_request', 'Customer.io answered 400', {
          status: 400,
          operationErrors: [{ batch_index: 3, reason: 'required', field: 'name', message: 'name is required' }],
        });
        return cold('-#', {}, error);
      };
      cold<Batch<number>>('a|', { a: batchOf(all) }).pipe(sendBatches(transport)).subscribe((o) => outcomes.push(o));
    });
    expect(sent).toEqual([[0, 1, 2, 3], [0, 1, 2]]);
    expect(outcomes.find((o) => o.envelope.source === 3)).toMatchObject({ status: 'rejected', rejection: { reason: 'required', field: 'name' } });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(3);
  });

  it('413 on a single operation rejects it as too large', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const [a] = envelopes(1) as [never];
      const tooLarge = transportError('too_large', 'Customer.io answered 413', { status: 413 });
      expectObservable(cold<Batch<number>>('a|', { a: batchOf([a]) }).pipe(sendBatches(() => cold('-#', {}, tooLarge)))).toBe('-(x|)', {
        x: { status: 'rejected', envelope: a, rejection: { reason: 'request_too_large', message: 'Customer.io answered 413', origin: 'customerio' } },
      });
    });
  });

  it('401: the stream errors with an AuthenticationError and the request is not retried', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unauthorized = new AuthenticationError('Customer.io refused the credentials (401)', { status: 401 });
      const response = cold<BatchResponse>('--#', {}, unauthorized);
      const batches = cold<Batch<number>>('a|', { a: batchOf(envelopes(2)) });
      expectObservable(batches.pipe(sendBatches(() => response, { retry }))).toBe('--#', {}, unauthorized);
      expectSubscriptions(response.subscriptions).toBe('^-!');
    });
  });

  it('429 with Retry-After: waits what Customer.io asked, slows the token source, then delivers', () => {
    const bucket = { value: undefined as TokenBucket | undefined };
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      bucket.value = new TokenBucket({ rate: 100, burst: 10 });
      const limited = transportError('rate_limited', 'Customer.io answered 429', { status: 429, retryAfterMs: 3000 });
      const responses = [cold<BatchResponse>('-#', {}, limited), cold<BatchResponse>('-r|', { r: ok })];
      let calls = 0;
      const [a] = envelopes(1) as [never];
      const metrics = new PipelineMetrics();
      const out = cold<Batch<number>>('a|', { a: batchOf([a]) }).pipe(
        sendBatches(() => responses[calls++] as Observable<BatchResponse>, { tokenSource: bucket.value, retry, metrics }),
      );
      // 1 ms to the 429, 3000 ms pause, 1 ms to the answer.
      expectObservable(out).toBe('- 3000ms -(x|)', { x: { status: 'delivered', envelope: a } });
      expectSubscriptions(responses[0]!.subscriptions).toBe('^!');
      expectSubscriptions(responses[1]!.subscriptions).toBe('- 3000ms ^!');
    });
    expect(bucket.value?.state().rate).toBeLessThan(100);
  });

  it('5xx then success: retried after the backoff delay', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const unavailable = transportError('server', 'Customer.io answered 503', { status: 503 });
      const responses = [cold<BatchResponse>('-#', {}, unavailable), cold<BatchResponse>('-r|', { r: ok })];
      let calls = 0;
      const [a] = envelopes(1) as [never];
      const out = cold<Batch<number>>('a|', { a: batchOf([a]) }).pipe(sendBatches(() => responses[calls++] as Observable<BatchResponse>, { retry }));
      // first backoff: 0.5 × 100 ms = 50 ms
      expectObservable(out).toBe('- 50ms -(x|)', { x: { status: 'delivered', envelope: a } });
    });
  });

  it('fails every envelope of a batch whose retries ran out', () => {
    const outcomes: Outcome<number>[] = [];
    newScheduler().run(({ cold }) => {
      const down = transportError('server', 'Customer.io answered 500', { status: 500 });
      cold<Batch<number>>('a|', { a: batchOf(envelopes(3)) })
        .pipe(sendBatches(() => cold('-#', {}, down), { retry }))
        .subscribe((o) => outcomes.push(o));
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed']);
    expect(outcomes[0]).toMatchObject({ error: expect.any(RetriesExhaustedError) });
  });

  it('sends at most `concurrency` requests at once', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const batches = cold<Batch<number>>('(abc|)', { a: batchOf(envelopes(1)), b: batchOf(envelopes(1)), c: batchOf(envelopes(1)) });
      const out = batches.pipe(sendBatches(() => cold('-----r|', { r: ok }), { concurrency: 2 }), map(() => 'o'));
      // a and b answer at 5 ms; c takes the freed slot and answers at 10 ms
      expectObservable(out).toBe('5ms (oo) 1ms (o|)');
    });
  });

  it('property: every envelope gets exactly one outcome whatever the transport does', () => {
    const answer = fc.oneof(
      fc.constant<'ok'>('ok'),
      fc.record({ partial: fc.array(fc.nat(40), { maxLength: 5 }) }),
      fc.constantFrom<'400' | '413' | '429' | '500' | 'timeout' | 'network'>('400', '413', '429', '500', 'timeout', 'network'),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), fc.array(answer, { minLength: 1, maxLength: 40 }), (sizes, answers) => {
        let n = 0;
        const batches = sizes.map((size) => batchOf(envelopes(size).map((e) => ({ ...e, source: n++ }))));
        let call = 0;
        const seen = new Map<number, number>();
        let completed = false;
        new TestScheduler(() => undefined).run(({ cold }) => {
          const transport = (batch: Batch): Observable<BatchResponse> => {
            const next = answers[call++ % answers.length]!;
            if (next === 'ok') return timer(3).pipe(map(() => ok));
            if (typeof next === 'object') {
              const errors = next.partial.map((i) => ({ batch_index: i % batch.envelopes.length, reason: 'invalid', message: 'bad' }));
              return timer(3).pipe(map(() => ({ status: 207, errors })));
            }
            const kind = ({ '400': 'bad_request', '413': 'too_large', '429': 'rate_limited', '500': 'server', timeout: 'timeout', network: 'network' } as const)[next];
            return timer(2).pipe(map(() => { throw transportError(kind, next, { retryAfterMs: next === '429' ? 10 : undefined }); }));
          };
          cold<Batch<number>>('abcdef'.slice(0, batches.length) + '|', Object.fromEntries(batches.map((b, i) => ['abcdef'.charAt(i), b])))
            .pipe(sendBatches(transport, { concurrency: 3, retry: { maxAttempts: 3, baseDelayMs: 5 } }))
            .subscribe({ next: (o) => seen.set(o.envelope.source, (seen.get(o.envelope.source) ?? 0) + 1), complete: () => (completed = true) });
        });
        expect(completed).toBe(true);
        expect(seen.size).toBe(n);
        expect([...seen.values()].every((count) => count === 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sendBatches errors', () => {
  it('unknown errors fail the batch instead of looping', () => {
    const outcomes: Outcome<number>[] = [];
    newScheduler().run(({ cold }) => {
      cold<Batch<number>>('a|', { a: batchOf(envelopes(2)) })
        .pipe(sendBatches(() => throwError(() => new TypeError('boom')), { retry }))
        .subscribe((o) => outcomes.push(o));
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes[0]).toMatchObject({ error: { message: 'boom' } });
  });
});
