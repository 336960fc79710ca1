import type { Observable, OperatorFunction } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  batchOperations,
  createEnvelope,
  deliver,
  identify,
  merge,
  sendBatches,
  track,
  type Attributes,
  type Batch,
  type BatchOperationsOptions,
  type Envelope,
  type Operation,
  type Outcome,
  type RejectedOutcome,
  type TokenBucket,
  type TokenSource,
  type Transport,
} from '../src/index.js';

describe('public API types', () => {
  it('builders produce Operations with the right action', () => {
    expectTypeOf(identify('1', { plan: 'pro' })).toExtend<Operation>();
    expectTypeOf(track('1', 'x').action).toEqualTypeOf<'event' | 'page' | 'screen'>();
    expectTypeOf(merge('1', { email: 'a@b.co' })).not.toHaveProperty('identifiers');
    // attribute values must be JSON-like: a Date or a function is refused, JSON values are accepted
    expectTypeOf<{ when: Date }>().not.toExtend<Attributes>();
    expectTypeOf<{ run: () => void }>().not.toExtend<Attributes>();
    expectTypeOf<{ plan: string; seats: number; trial: boolean; left: null; tags: string[]; address: { city: string } }>().toExtend<Attributes>();
    expectTypeOf(identify).parameter(1).toEqualTypeOf<Attributes | undefined>();
  });

  it('envelopes carry their source type through to outcomes', () => {
    const envelope = createEnvelope(identify('1'), { source: { row: 7 }, producedAt: 0 });
    expectTypeOf(envelope).toEqualTypeOf<Envelope<{ row: number }>>();
    expectTypeOf(deliver<{ row: number }>).parameter(0).toEqualTypeOf<Observable<Envelope<{ row: number }>>>();
    expectTypeOf(deliver<{ row: number }>).returns.toEqualTypeOf<Observable<Outcome<{ row: number }>>>();
  });

  it('operators have the documented shapes', () => {
    expectTypeOf(batchOperations<number>()).toEqualTypeOf<OperatorFunction<Envelope<number>, Batch<number>>>();
    expectTypeOf<Parameters<typeof batchOperations<number>>[0]>().toEqualTypeOf<BatchOperationsOptions<number> | undefined>();
    expectTypeOf<NonNullable<BatchOperationsOptions<number>['onRejected']>>().parameter(0).toEqualTypeOf<RejectedOutcome<number>>();
    expectTypeOf(sendBatches<number>).returns.toEqualTypeOf<OperatorFunction<Batch<number>, Outcome<number>>>();
    expectTypeOf<TokenBucket>().toExtend<TokenSource>();
    expectTypeOf<Transport>().parameter(0).toEqualTypeOf<Batch>();
  });

  it('outcomes narrow on status', () => {
    const outcome = {} as Outcome<number>;
    if (outcome.status === 'rejected') expectTypeOf(outcome.rejection.reason).toBeString();
    if (outcome.status === 'failed') expectTypeOf(outcome.error).toEqualTypeOf<Error>();
  });
});
