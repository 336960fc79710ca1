import type { Batch, Envelope } from '../envelope.js';
import { codeOf } from '../errors.js';
import { delivered, rejected, type Outcome } from '../outcome.js';
import type { OperationError } from '../transportErrors.js';

/** One outcome per envelope of an accepted batch: a 207's named operations rejected, the rest delivered. */
export function outcomesOfAnswer<S>(batch: Batch<S>, errors: readonly OperationError[]): Outcome<S>[] {
  const named = namedRejections(batch, errors);
  return batch.envelopes.map((envelope, index) => {
    const opError = named.get(index);
    return opError ? rejectedByApi(envelope, opError) : delivered(envelope);
  });
}

/** The errors that name an operation of this batch, by index; several for one index are joined. */
export function namedRejections<S>(batch: Batch<S>, errors: readonly OperationError[]): Map<number, OperationError> {
  const named = new Map<number, OperationError>();
  for (const error of errors) {
    const index = error.batch_index;
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= batch.envelopes.length) continue;
    const earlier = named.get(index);
    named.set(index, earlier ? { ...earlier, message: `${earlier.message ?? ''}; ${error.message ?? ''}` } : error);
  }
  return named;
}

/** The rejection Customer.io gave `envelope`, from its per-operation error or, failing that, the request's. */
export function rejectedByApi<S>(envelope: Envelope<S>, opError: OperationError | undefined, requestError?: unknown): Outcome<S> {
  const reason = opError?.reason ?? (codeOf(requestError) === 'CIO_TRANSPORT_TOO_LARGE' ? 'request_too_large' : 'invalid');
  return rejected(envelope, {
    reason,
    ...(opError?.field !== undefined && { field: opError.field }),
    message: opError?.message ?? messageOf(requestError) ?? 'Customer.io refused the operation',
    origin: opError?.origin ?? 'customerio',
  });
}

function messageOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : undefined;
}
