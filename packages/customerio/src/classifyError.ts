import {
  AuthenticationError,
  BadRequestError,
  codeOf,
  NetworkError,
  parseRetryAfter,
  PayloadTooLargeError,
  RateLimitedError,
  RequestTimeoutError,
  ServerError,
  UnexpectedResponseError,
  type OperationError,
  type TransportError,
} from '@cioscale/core';
import { CustomerIORequestError } from 'customerio-node';

/** System error codes of a connection that could not be made or was dropped. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici's own timeouts: the request got no (complete) answer in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Turns whatever customerio-node threw into core's classification, which drives the retry policy.
 *
 * - 401/403 → {@link AuthenticationError} (the pipeline stops; no retry storm on bad credentials)
 * - 429 → {@link RateLimitedError} with `retryAfterMs` from `Retry-After` when sent
 * - 408, 5xx → {@link ServerError}; 400 → {@link BadRequestError} with the body's per-operation `errors`;
 *   413 → {@link PayloadTooLargeError}
 * - `TimeoutError`/`AbortError` → {@link RequestTimeoutError}; refused/reset/DNS (`TypeError: fetch failed`) → {@link NetworkError}
 * - anything else → {@link UnexpectedResponseError} (not retried)
 *
 * An error already classified — by this copy of `@cioscale/core` or another one — is returned as is,
 * recognised by its `code`.
 *
 * Messages name the status and what happened, never the API key (the client never puts it in an error,
 * and nothing here copies request headers).
 *
 * @param error - what `TrackClient.batch()` rejected with
 * @param nowMs - the clock for an HTTP-date `Retry-After`; @defaultValue Date.now()
 * @example
 * classifyError(new DOMException('The operation timed out', 'TimeoutError')).kind; // 'timeout'
 */
export function classifyError(error: unknown, nowMs: number = Date.now()): TransportError | AuthenticationError {
  if (isClassified(error)) return error;
  if (error instanceof CustomerIORequestError) return fromStatus(error, nowMs);
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RequestTimeoutError('Customer.io did not answer before the request timeout', { cause: error });
  }
  const code = systemCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return new RequestTimeoutError(`Customer.io did not answer in time (${code})`, { cause: error });
  if ((code !== undefined && NETWORK_CODES.has(code)) || (error instanceof TypeError && error.message === 'fetch failed')) {
    return new NetworkError(`could not reach the Track API (${code ?? 'connection failed'})`, { cause: error });
  }
  // customerio-node throws a plain Error when a body is not JSON: a proxy or load balancer answered
  // (an HTML 502 page, a truncated body). That is a server-side failure worth retrying.
  if (error instanceof Error && error.message.startsWith('Unable to parse JSON')) {
    return new ServerError('the Track API answered with a body that is not JSON (a proxy or gateway error?)', { cause: error });
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new UnexpectedResponseError(`unexpected failure sending to the Track API: ${truncate(text)}`, { cause: error });
}

function fromStatus(error: CustomerIORequestError, nowMs: number): TransportError | AuthenticationError {
  const status = error.statusCode;
  // the client keeps the raw body text; a v2 body names the refused operations
  const operationErrors = operationErrorsOf(parseJson(error.body));
  const detail = operationErrors[0]?.message ? `: ${truncate(operationErrors[0].message)}` : '';
  if (status === 401 || status === 403) {
    return new AuthenticationError(
      `Customer.io refused the credentials (HTTP ${status}); check CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY and the region`,
      { status, cause: error },
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(error.response.headers['retry-after'], nowMs);
    return new RateLimitedError('Customer.io rate limit reached (HTTP 429)', { status, cause: error, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  if (status === 408 || status >= 500) return new ServerError(`the Track API failed (HTTP ${status})`, { status, cause: error });
  if (status === 400) return new BadRequestError(`Customer.io refused the request (HTTP 400)${detail}`, { status, operationErrors, cause: error });
  if (status === 413) return new PayloadTooLargeError('Customer.io refused the request as too large (HTTP 413)', { status, operationErrors, cause: error });
  return new UnexpectedResponseError(`unexpected answer from the Track API (HTTP ${status})${detail}`, { status, operationErrors, cause: error });
}

/** A cioscale transport classification, of any copy of `@cioscale/core`: its `code` says so. */
function isClassified(error: unknown): error is TransportError | AuthenticationError {
  const code = codeOf(error);
  return code !== undefined && (code === 'CIO_AUTH' || code.startsWith('CIO_TRANSPORT_'));
}

/**
 * Per-operation errors of an error body: v2 `{errors:[{batch_index, reason, field, message}]}`, or v1
 * `{meta:{errors:["…"]}}` / `{meta:{error:"…"}}` as plain messages.
 */
export function operationErrorsOf(body: unknown): OperationError[] {
  if (typeof body !== 'object' || body === null) return [];
  const { errors, meta } = body as { errors?: unknown; meta?: { errors?: unknown; error?: unknown } };
  if (Array.isArray(errors)) return errors.filter(isObject).map(toOperationError);
  if (meta && Array.isArray(meta.errors)) return meta.errors.map((message) => ({ message: String(message) }));
  if (meta && typeof meta.error === 'string') return [{ message: meta.error }];
  return [];
}

function toOperationError(entry: Record<string, unknown>): OperationError {
  const { batch_index, reason, field, message } = entry;
  return {
    ...(typeof batch_index === 'number' && { batch_index }),
    ...(typeof reason === 'string' && { reason }),
    ...(typeof field === 'string' && { field }),
    ...(typeof message === 'string' && { message }),
  };
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function errorName(error: unknown): string | undefined {
  return isObject(error) && typeof error['name'] === 'string' ? error['name'] : undefined;
}

/** `code` of the error or of its `cause` chain (fetch wraps the socket error in `TypeError.cause`). */
function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; isObject(current) && depth < 4; current = current['cause'], depth++) {
    if (typeof current['code'] === 'string') return current['code'];
  }
  return undefined;
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
