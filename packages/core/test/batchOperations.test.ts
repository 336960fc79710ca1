import { Subject, from, take } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batchRequestBytes } from '../src/envelope.js';
import type { Batch, Envelope } from '../src/envelope.js';
import { ConfigurationError, OperationTooLargeError } from '../src/errors.js';
import { transportError } from '../src/transportErrors.js';
import { DEFAULT_MAX_BATCH_BYTES, batchOperations } from '../src/operators/batchOperations.js';
import type { RejectedOutcome } from '../src/outcome.js';
import { newTestScheduler, sizedEnvelope } from './timeHelpers.js';

type Emitted = Batch<string>;

/** Ten-byte envelopes: n of them make a request of 12 + 10n + (n - 1) bytes (3 → 44). */
const a = sizedEnvelope('a', 10);
const b = sizedEnvelope('b', 10);
const c = sizedEnvelope('c', 10);
const d = sizedEnvelope('d', 10);
const envelopes = { a, b, c, d };

const batch = (...items: Envelope<string>[]): Batch<string> => ({ envelopes: items, bytes: batchRequestBytes(items.map((e) => e.bytes)) });

describe('batchOperations', () => {
  it('closes the batch before an envelope that would push the request over maxBytes', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Envelope<string>>('abcd|', envelopes);
      const result = source.pipe(batchOperations<string>({ maxBytes: 44, maxWaitMs: 100 }));
      expectObservable(result).toBe('---x(y|)', { x: { envelopes: [a, b, c], bytes: 44 }, y: { envelopes: [d], bytes: 22 } });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('reports the exact request size of batches of mixed sizes', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const [p, q, r] = [sizedEnvelope('p', 100), sizedEnvelope('q', 200), sizedEnvelope('r', 50)];
      const result = cold<Envelope<string>>('pqr|', { p, q, r }).pipe(batchOperations<string>({ maxBytes: 363, maxWaitMs: 100 }));
      // 12 + 100 + 1 + 200 = 313; adding r would make 364, one byte over once its comma is counted
      expectObservable(result).toBe('--x(y|)', { x: { envelopes: [p, q], bytes: 313 }, y: { envelopes: [r], bytes: 62 } });
    });
  });

  it('closes the batch when it holds maxOperations', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Envelope<string>>('abc|', envelopes);
      expectObservable(source.pipe(batchOperations<string>({ maxOperations: 2, maxWaitMs: 100 }))).toBe('-x-(y|)', { x: batch(a, b), y: batch(c) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('closes the batch maxWaitMs after its first envelope, then waits for the next first envelope', () => {
    newTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot<Envelope<string>>('a-b------c------|', envelopes);
      const result = source.pipe(batchOperations<string>({ maxWaitMs: 5 }));
      expectObservable(result).toBe('5ms x 8ms y-|', { x: batch(a, b), y: batch(c) });
      expectSubscriptions(source.subscriptions).toBe('^ 15ms !');
    });
  });

  it('sends the remainder when the source completes, and nothing for an empty source', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Envelope<string>>('ab|', envelopes).pipe(batchOperations<string>({ maxWaitMs: 100 }))).toBe('--(x|)', { x: batch(a, b) });
      expectObservable(cold<Envelope<string>>('--|').pipe(batchOperations<string>())).toBe('--|');
    });
  });

  it('passes errors through and drops the unsent batch', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = transportError('network', 'socket hang up');
      const source = cold<Envelope<string>>('ab#', envelopes, error);
      expectObservable(source.pipe(batchOperations<string>({ maxWaitMs: 100 }))).toBe('--#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('stops listening and timing when unsubscribed early', () => {
    newTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot<Envelope<string>>('a-b-c-d|', envelopes);
      expectObservable(source.pipe(batchOperations<string>({ maxWaitMs: 10 })), '^--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('clears its timer on unsubscribe and on error', () => {
    const scheduler = newTestScheduler();
    const source = new Subject<Envelope<string>>();
    const subscription = source.pipe(batchOperations<string>({ maxWaitMs: 100, scheduler })).subscribe();
    source.next(a);
    source.next(b);
    expect(scheduler.actions).toHaveLength(1); // one deadline per batch, not per envelope
    subscription.unsubscribe();
    expect(scheduler.actions).toHaveLength(0);
    expect(source.observed).toBe(false);

    const failing = new Subject<Envelope<string>>();
    failing.pipe(batchOperations<string>({ maxWaitMs: 100, scheduler })).subscribe({ error: () => undefined });
    failing.next(a);
    failing.error(new Error('boom'));
    expect(scheduler.actions).toHaveLength(0);
  });

  it.each([
    ['a count flush', { maxOperations: 2 }],
    ['a size flush', { maxBytes: 33 }],
  ])('starts no timer for values a synchronous source pushes after %s made the consumer leave', (_, options) => {
    const scheduler = newTestScheduler();
    let scheduled = 0;
    const counting: SchedulerLike = { now: () => scheduler.now(), schedule: (...args: Parameters<SchedulerLike['schedule']>) => (scheduled++, scheduler.schedule(...args)) };
    const seen: Emitted[] = [];
    // the first batch closes on b (count) or on c (size); take(1) leaves; c, d must not start a deadline
    from([a, b, c, d]).pipe(batchOperations<string>({ ...options, scheduler: counting }), take(1)).subscribe((value) => seen.push(value));
    expect(seen).toEqual([batch(a, b)]);
    expect(scheduled).toBe(1);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('rejects an envelope that could never fit, at once, without disturbing the batch being filled', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable, flush }) => {
      const huge = sizedEnvelope('huge', 33); // alone: 12 + 33 = 45 > 44
      const exact = sizedEnvelope('exact', 32); // alone: 44, fits
      // rejected ones leave through onRejected, stamped with the frame they left at; batches through the stream
      const rejections: [number, RejectedOutcome<string>][] = [];
      const onRejected = (outcome: RejectedOutcome<string>) => rejections.push([scheduler.now(), outcome]);
      const result = cold<Envelope<string>>('aXbE|', { ...envelopes, X: huge, E: exact }).pipe(batchOperations<string>({ maxBytes: 44, maxWaitMs: 100, onRejected }));
      expectObservable(result).toBe('---x(y|)', {
        x: batch(a, b),
        y: { envelopes: [exact], bytes: 44 },
      });
      flush();
      expect(rejections).toEqual([
        [
          1,
          {
            status: 'rejected',
            envelope: huge,
            rejection: {
              reason: 'batch_too_large',
              field: 'operation',
              message: 'the operation is 33 bytes; a batch request holding only it would be 45 bytes, over the 44-byte limit',
              origin: 'local',
            },
          },
        ],
      ]);
    });
  });

  it('errors, naming the size, on an envelope that could never fit when nobody takes rejections', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const huge = sizedEnvelope('huge', 33);
      const result = cold<Envelope<string>>('aX|', { a, X: huge }).pipe(batchOperations<string>({ maxBytes: 44, maxWaitMs: 100 }));
      expectObservable(result).toBe('-#', undefined, new OperationTooLargeError('the operation is 33 bytes; a batch request holding only it would be 45 bytes, over the 44-byte limit'));
    });
  });

  it('defaults to 480 KB requests and validates its options eagerly, naming the option', () => {
    expect(DEFAULT_MAX_BATCH_BYTES).toBe(480_000);
    expect(() => batchOperations({ maxBytes: 13 })).toThrow(ConfigurationError);
    expect(() => batchOperations({ maxBytes: 13 })).toThrow(/"maxBytes"/);
    expect(() => batchOperations({ maxOperations: 0 })).toThrow(/"maxOperations"/);
    expect(() => batchOperations({ maxOperations: 1.5 })).toThrow(/"maxOperations"/);
    expect(() => batchOperations({ maxWaitMs: -1 })).toThrow(/"maxWaitMs"/);
    expect(() => batchOperations({ maxWaitMs: Number.POSITIVE_INFINITY })).toThrow(/"maxWaitMs"/);
  });

  it('fills a default-size batch up to 1000 operations', () => {
    const seen: Emitted[] = [];
    const items = Array.from({ length: 1001 }, (_, n) => sizedEnvelope(`p${n}`, 100));
    from(items).pipe(batchOperations<string>()).subscribe((value) => seen.push(value));
    expect(seen.map((value) => value.envelopes.length)).toEqual([1000, 1]);
  });
});
