import type { ObservableInput } from 'rxjs';
import type { Batch } from './envelope.js';
import type { OperationError } from './transportErrors.js';

/**
 * What a transport answers for a batch request that Customer.io accepted (any 2xx).
 * A 207 lists the refused operations in `errors` (by `batch_index`); the rest were accepted.
 */
export interface BatchResponse {
  readonly status: number;
  readonly errors: readonly OperationError[];
}

/**
 * Sends one batch as `POST /api/v2/batch`. Resolves (or emits once) with the answer for 2xx statuses;
 * fails with a `TransportError` (or an `AuthenticationError` for 401/403) otherwise. Core never imports an HTTP client:
 * `@cioscale/customerio` implements this with customerio-node; tests pass `cold()` observables.
 */
export type Transport = (batch: Batch) => ObservableInput<BatchResponse>;
