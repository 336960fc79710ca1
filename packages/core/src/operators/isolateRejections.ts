import { type Observable, catchError, concat, from, mergeMap, of, throwError } from 'rxjs';
import { batchRequestBytes, type Batch, type Envelope } from '../envelope.js';
import { codeOf } from '../errors.js';
import { failed, type Outcome } from '../outcome.js';
import { refusedOperationsOf } from '../transportErrors.js';
import type { BatchResponse } from '../transport.js';
import { namedRejections, outcomesOfAnswer, rejectedByApi } from './batchOutcomes.js';

/** Refusals of a whole batch (400, 413) that say "something in here is bad", not "try again". */
const REFUSED = new Set(['CIO_TRANSPORT_BAD_REQUEST', 'CIO_TRANSPORT_TOO_LARGE']);

/**
 * Turns a batch into one outcome per envelope with `send` (already retried), isolating the operations
 * Customer.io refuses.
 *
 * - 2xx: delivered, except the operations a 207 names, which are rejected with Customer.io's reason.
 * - 400/413 for the whole batch: the operations the body names are rejected and the rest re-sent;
 *   when it names none, the batch is split in halves until the bad operation is alone.
 * - 401/403 (`CIO_AUTH`): the stream errors — the credentials are wrong for every batch.
 * - anything else (retries exhausted, a bug): every envelope of the batch fails with the error.
 *
 * Decisions go by the error's `code`, so an error class from another copy of `@cioscale/core` works too.
 */
export function isolateRejections(send: <S>(batch: Batch<S>) => Observable<BatchResponse>): <S>(batch: Batch<S>) => Observable<Outcome<S>> {
  const outcomesOf = <S>(batch: Batch<S>): Observable<Outcome<S>> =>
    send(batch).pipe(
      mergeMap((response) => from(outcomesOfAnswer(batch, response.errors))),
      catchError((error: unknown) => outcomesOfFailure(batch, error)),
    );

  const outcomesOfFailure = <S>(batch: Batch<S>, error: unknown): Observable<Outcome<S>> => {
    const code = codeOf(error);
    // Bad credentials: stop the whole stream; the source acknowledges nothing it did not deliver.
    if (code === 'CIO_AUTH') return throwError(() => error);
    if (code === undefined || !REFUSED.has(code)) return from(batch.envelopes.map((envelope) => failed(envelope, asError(error))));
    const refused = refusedOperationsOf(error);
    // Customer.io named the bad operations: reject them, resend the rest.
    const named = namedRejections(batch, refused);
    if (named.size > 0) {
      const rest = batch.envelopes.filter((_, index) => !named.has(index));
      const outcomes = [...named.entries()].map(([index, opError]) => rejectedByApi(batch.envelopes[index] as Envelope<S>, opError, error));
      return concat(from(outcomes), rest.length > 0 ? outcomesOf(batchOf(rest)) : of());
    }
    // A lone operation the API refuses is the bad one.
    if (batch.envelopes.length === 1) return of(rejectedByApi(batch.envelopes[0] as Envelope<S>, refused[0], error));
    // Bisect: each half is sent on its own until the bad operation is isolated.
    const middle = Math.ceil(batch.envelopes.length / 2);
    return concat(outcomesOf(batchOf(batch.envelopes.slice(0, middle))), outcomesOf(batchOf(batch.envelopes.slice(middle))));
  };

  return outcomesOf;
}

function batchOf<S>(envelopes: readonly Envelope<S>[]): Batch<S> {
  return { envelopes, bytes: batchRequestBytes(envelopes.map((envelope) => envelope.bytes)) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
