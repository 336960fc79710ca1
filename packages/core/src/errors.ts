/**
 * Error classes of cioscale. Each has a stable `code` to branch on; messages say what failed, what
 * was expected and what was received, and never contain credentials.
 */

/** Base class of every cioscale error. */
export class CioscaleError extends Error {
  /** Stable machine-readable code, e.g. `CIO_AUTH`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** How a transport failure should be handled. */
export type TransportErrorKind =
  /** 401/403: credentials are wrong; stop everything, never retry. */
  | 'auth'
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
}

/** A request that did not succeed, classified for the retry policy. */
export class TransportError extends CioscaleError {
  readonly kind: TransportErrorKind;
  /** HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** Delay Customer.io asked for (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  /** Per-operation errors parsed from the body, if any. */
  readonly operationErrors: readonly OperationError[];

  constructor(
    kind: TransportErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; operationErrors?: readonly OperationError[]; cause?: unknown } = {},
  ) {
    super(`CIO_TRANSPORT_${kind.toUpperCase()}`, message, { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.operationErrors = options.operationErrors ?? [];
  }
}

/** Credentials were refused (401/403). The pipeline stops; retrying would only repeat the refusal. */
export class AuthenticationError extends CioscaleError {
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('CIO_AUTH', message, { cause: options.cause });
    this.status = options.status;
  }
}

/** Retries were given up: attempts or total time ran out. `cause` holds the last error. */
export class RetriesExhaustedError extends CioscaleError {
  readonly attempts: number;

  constructor(attempts: number, elapsedMs: number, cause: unknown) {
    super(
      'CIO_RETRIES_EXHAUSTED',
      `gave up after ${attempts} attempt(s) over ${Math.round(elapsedMs)} ms: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.attempts = attempts;
  }
}

/** An option was out of range or of the wrong type. */
export class InvalidOptionError extends CioscaleError {
  constructor(option: string, expected: string, received: unknown) {
    super('CIO_INVALID_OPTION', `option "${option}" must be ${expected}; received ${JSON.stringify(received)}`);
  }
}
