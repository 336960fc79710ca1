import { CioscaleError } from './errors.js';

/** How a failed request should be handled; every kind is one {@link TransportError} class. Bad credentials are an `AuthenticationError`. */
export type TransportErrorKind =
  /** 429: over the workspace budget; back off and retry. */
  | 'rate_limited'
  /** 400: the request was refused as invalid. */
  | 'bad_request'
  /** 413: the request body was too large. */
  | 'too_large'
  /** 408, 5xx: the server failed; retry. */
  | 'server'
  /** The request timed out before an answer. */
  | 'timeout'
  /** Connection refused/reset, DNS failure… */
  | 'network'
  /** Any other status: not retried. */
  | 'unexpected';

/** One per-operation complaint in a Customer.io error body. */
export interface OperationError {
  /** 0-based index into the batch, when the body says which operation. */
  readonly batch_index?: number;
  readonly reason?: string;
  readonly field?: string;
  readonly message?: string;
  /** Who refused it: a transport that refuses an operation before sending (it has no way to express it) says `local`. @defaultValue 'customerio' */
  readonly origin?: 'local' | 'customerio';
}

/** What a transport knows about a failed request. */
export interface TransportErrorOptions {
  /** HTTP status, when an answer arrived. */
  readonly status?: number | undefined;
  /** Delay Customer.io asked for (`Retry-After`), in ms. */
  readonly retryAfterMs?: number | undefined;
  /** Per-operation errors parsed from the body, if any. */
  readonly operationErrors?: readonly OperationError[] | undefined;
  readonly cause?: unknown;
}

/** A request that did not succeed (other than bad credentials), classified for the retry policy. */
export abstract class TransportError extends CioscaleError {
  abstract override readonly code: `CIO_TRANSPORT_${Uppercase<TransportErrorKind>}`;
  abstract readonly kind: TransportErrorKind;
  /** HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** Delay Customer.io asked for (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  /** Per-operation errors parsed from the body, if any. */
  readonly operationErrors: readonly OperationError[];

  constructor(message: string, options: TransportErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.operationErrors = options.operationErrors ?? [];
  }
}

/** 429: over the workspace budget. Retried after `retryAfterMs` at least; the token source is penalized. */
export class RateLimitedError extends TransportError {
  readonly code = 'CIO_TRANSPORT_RATE_LIMITED' as const;
  readonly kind = 'rate_limited' as const;
}

/** 400: Customer.io refused the request as invalid; its operations are isolated, never resent whole. */
export class BadRequestError extends TransportError {
  readonly code = 'CIO_TRANSPORT_BAD_REQUEST' as const;
  readonly kind = 'bad_request' as const;
}

/** 413: the request body was too large; its operations are isolated like a 400's. */
export class PayloadTooLargeError extends TransportError {
  readonly code = 'CIO_TRANSPORT_TOO_LARGE' as const;
  readonly kind = 'too_large' as const;
}

/** 408 or 5xx, or a body that is not JSON (a proxy's page): retried. */
export class ServerError extends TransportError {
  readonly code = 'CIO_TRANSPORT_SERVER' as const;
  readonly kind = 'server' as const;
}

/** No (complete) answer before the request timeout: retried. */
export class RequestTimeoutError extends TransportError {
  readonly code = 'CIO_TRANSPORT_TIMEOUT' as const;
  readonly kind = 'timeout' as const;
}

/** The Track API could not be reached (refused, reset, DNS): retried. */
export class NetworkError extends TransportError {
  readonly code = 'CIO_TRANSPORT_NETWORK' as const;
  readonly kind = 'network' as const;
}

/** Any other answer or failure: not retried, most likely a bug that must not loop. */
export class UnexpectedResponseError extends TransportError {
  readonly code = 'CIO_TRANSPORT_UNEXPECTED' as const;
  readonly kind = 'unexpected' as const;
}

const CLASSES = {
  rate_limited: RateLimitedError,
  bad_request: BadRequestError,
  too_large: PayloadTooLargeError,
  server: ServerError,
  timeout: RequestTimeoutError,
  network: NetworkError,
  unexpected: UnexpectedResponseError,
} as const satisfies Record<TransportErrorKind, new (message: string, options?: TransportErrorOptions) => TransportError>;

/**
 * The {@link TransportError} of a kind, for code that decides the kind at run time (a fake transport, a
 * table of statuses).
 *
 * @example
 * ```ts
 * transportError('rate_limited', 'Customer.io answered 429', { status: 429, retryAfterMs: 3000 }); // a RateLimitedError
 * ```
 */
export function transportError(kind: TransportErrorKind, message: string, options?: TransportErrorOptions): TransportError {
  return new CLASSES[kind](message, options);
}

/**
 * `retryAfterMs` of any error carrying a usable one — a {@link RateLimitedError} of this copy of the
 * package or of another, or a plain object — in ms; `undefined` when absent, not finite or not positive.
 */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return undefined;
  const { retryAfterMs } = error;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : undefined;
}

/** `operationErrors` of any error carrying them (read structurally, like {@link retryAfterMsOf}); `[]` otherwise. */
export function refusedOperationsOf(error: unknown): readonly OperationError[] {
  if (typeof error !== 'object' || error === null || !('operationErrors' in error)) return [];
  return Array.isArray(error.operationErrors) ? (error.operationErrors as OperationError[]) : [];
}
