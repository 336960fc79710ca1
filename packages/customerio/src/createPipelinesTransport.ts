import {
  AuthenticationError,
  BadRequestError,
  codeOf,
  ConfigurationError,
  NetworkError,
  parseRetryAfter,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  UnexpectedResponseError,
  utf8Bytes,
  type Batch,
  type BatchResponse,
  type OperationError,
  type Transport,
  type TransportError,
} from '@cioscale/core';
import { Agent, request } from 'undici';
import { classifyError } from './classifyError.js';
import { pipelinesUrl } from './pipelinesRegion.js';
import { displayUrl, isRegion, type Region } from './region.js';
import { PIPELINES_LIMITS, pipelinesEntryJson } from './pipelinesEntryJson.js';

export { PIPELINES_LIMITS } from './pipelinesEntryJson.js';

/**
 * A `batch.maxBytes` for core's `deliver` that leaves room for what mapping adds (`messageId`, ISO
 * timestamps, `type`/`userId`: up to ~130 bytes an operation), so 1,000 operations never exceed the
 * 500 KB request. A larger batch still works — the transport refuses it locally as too large and
 * core bisects it — but costs a split.
 */
export const PIPELINES_BATCH_MAX_BYTES = 350_000;

/** How to reach a Customer.io Data Pipelines source. */
export interface PipelinesTransportOptions {
  /** The source's write key (Basic auth user; the password is empty). Never logged, never in an error. */
  readonly writeKey: string;
  /** Data centre. @defaultValue 'us' */
  readonly region?: Region;
  /** Pipelines base, e.g. an emulator's `http://127.0.0.1:4200`; a trailing `/v1` is accepted. Overrides `region`. */
  readonly url?: string;
  /** Time allowed per request, in ms. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Keep-alive sockets; size it to the pipeline's concurrency. @defaultValue 8 */
  readonly connections?: number;
}

/** A transport bound to one Pipelines source. */
export interface PipelinesTransport {
  /** Sends one batch as `POST /v1/batch` in strict mode; pass it to core's `deliver`. */
  readonly send: Transport;
  /** Where requests go, without credentials, e.g. `https://cdp.customer.io`. */
  readonly target: string;
  /** Closes the keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * The core's {@link Transport} over the Data Pipelines API (`POST /v1/batch`), a small client over
 * undici: customerio-node speaks only the Track API.
 *
 * - Every request carries `X-Strict-Mode: 1`. Without it Customer.io answers an invalid or oversize
 *   request 200 and drops it silently; with it the answer is 400, which core isolates by bisection
 *   (no per-entry error format is documented for `/v1/batch`).
 * - Each envelope becomes one entry (see {@link toPipelinesEntry}); `messageId` is the envelope's
 *   deterministic id, so a replayed batch is deduplicated by Customer.io.
 * - An operation with no Pipelines equivalent, or whose entry exceeds 32 KB, is never sent: the answer
 *   names it by `batch_index` (status 207) with the reason, and core rejects just that envelope.
 * - A mapped body over 500 KB is refused locally as a {@link PayloadTooLargeError} before any request,
 *   and core splits the batch; pass {@link PIPELINES_BATCH_MAX_BYTES} as `batch.maxBytes` to avoid it.
 * - 401/403 → `AuthenticationError` (the pipeline stops), 429 → `RateLimitedError` with `Retry-After`,
 *   408/5xx → `ServerError`, 400 → `BadRequestError`, 413 → `PayloadTooLargeError`; connection
 *   failures and timeouts as for the Track transport.
 *
 * @example
 * const cio = createPipelinesTransport({ writeKey, region: 'eu' });
 * deliver(envelopes$, { transport: cio.send, tokenSource: new TokenBucket(DEFAULT_BUDGET), batch: { maxBytes: PIPELINES_BATCH_MAX_BYTES } });
 */
export function createPipelinesTransport(options: PipelinesTransportOptions): PipelinesTransport {
  const { writeKey } = options;
  // the value is never echoed, only its type
  if (typeof writeKey !== 'string' || writeKey.trim() === '') throw ConfigurationError.option('writeKey', 'a non-empty string', typeof writeKey);
  if (/[\s:]/.test(writeKey)) throw ConfigurationError.option('writeKey', 'a key without spaces, line breaks or ":"', '(hidden)');
  const region = options.region ?? 'us';
  if (!isRegion(region)) throw ConfigurationError.option('region', '"us" or "eu"', region);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw ConfigurationError.option('timeoutMs', 'a number of ms > 0', timeoutMs);
  const connections = options.connections ?? 8;
  if (!Number.isInteger(connections) || connections < 1) throw ConfigurationError.option('connections', 'an integer ≥ 1', connections);
  const base = pipelinesUrl(region, options.url);
  checkBaseUrl(base);

  const batchUrl = `${base}/v1/batch`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    'content-type': 'application/json',
    // never without: a refused request must be a 400, not a silent 200 (docs/pipelines-api.md)
    'x-strict-mode': '1',
  };
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1 });
  // displayUrl drops user info and the query; a bare host would keep URL's trailing /
  const target = displayUrl(base).replace(/\/$/, '');

  const send: Transport = async (batch: Batch): Promise<BatchResponse> => {
    const { entries, errors } = mapBatch(batch);
    if (entries.length === 0) return { status: 207, errors };
    const body = `{"batch":[${entries.join(',')}]}`;
    const bytes = utf8Bytes(body);
    if (bytes > PIPELINES_LIMITS.batchBytes) {
      throw new PayloadTooLargeError(`the Pipelines request would be ${bytes} bytes; /v1/batch accepts at most ${PIPELINES_LIMITS.batchBytes} (not sent; the batch is split)`);
    }
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await request(batchUrl, { method: 'POST', headers, body, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      status = response.statusCode;
      text = await response.body.text();
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
    } catch (error) {
      const classified = classifyError(error);
      // classifyError words a connection failure for the Track API; say which API could not be reached
      if (codeOf(classified) === 'CIO_TRANSPORT_NETWORK') throw new NetworkError(`could not reach the Pipelines API at ${target}`, { cause: error });
      throw classified;
    }
    if (status >= 200 && status < 300) return { status: errors.length > 0 ? 207 : 200, errors };
    throw classifyPipelinesStatus(status, text, retryAfter);
  };

  return {
    send,
    target,
    close: async () => {
      await dispatcher.destroy();
    },
  };
}

/** An http(s) URL without user info: the write key goes in its own option, never in a URL that may be logged. */
function checkBaseUrl(base: string): void {
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw ConfigurationError.option('url', 'an http(s) URL', displayUrl(base));
  if (url.username !== '' || url.password !== '') throw ConfigurationError.option('url', 'a URL without credentials (pass writeKey)', '(hidden)');
}

/** The JSON entries to send, and the local refusals by `batch_index`. */
function mapBatch(batch: Batch): { entries: string[]; errors: OperationError[] } {
  const entries: string[] = [];
  const errors: OperationError[] = [];
  batch.envelopes.forEach((envelope, batch_index) => {
    const mapped = pipelinesEntryJson(envelope);
    if ('refusal' in mapped) errors.push({ batch_index, ...mapped.refusal });
    else entries.push(mapped.json);
  });
  return { entries, errors };
}

/**
 * Core's classification of a Pipelines answer that is not 2xx. The body's wording is kept in the
 * message (truncated) but never the request's headers, so the write key cannot leak.
 */
export function classifyPipelinesStatus(status: number, body: string, retryAfter?: string, nowMs: number = Date.now()): TransportError | AuthenticationError {
  const said = messageOf(body);
  const detail = said === undefined ? '' : `: ${said}`;
  if (status === 401 || status === 403) {
    return new AuthenticationError(`Customer.io refused the Pipelines write key (HTTP ${status}); check CUSTOMERIO_PIPELINES_WRITE_KEY and the region or CIO_PIPELINES_URL`, { status });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return new RateLimitedError('Customer.io Pipelines rate limit reached (HTTP 429)', { status, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  if (status === 408 || status >= 500) return new ServerError(`the Pipelines API failed (HTTP ${status})`, { status });
  // No per-entry format is documented: the complaint has no batch_index, so core bisects.
  const complaint = said === undefined ? [] : [{ reason: 'invalid', message: said }];
  if (status === 400) return new BadRequestError(`Customer.io refused the Pipelines request (HTTP 400, strict mode)${detail}`, { status, operationErrors: complaint });
  if (status === 413) return new PayloadTooLargeError(`Customer.io refused the Pipelines request as too large (HTTP 413)${detail}`, { status, operationErrors: complaint });
  return new UnexpectedResponseError(`unexpected answer from the Pipelines API (HTTP ${status})${detail}`, { status });
}

/** A human message from an error body: `{error: {message}}`, `{error: "…"}`, `{message}` or `{errors: [{message}]}`. */
function messageOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim() === '' ? undefined : truncate(body.trim());
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { error, message, errors } = parsed as { error?: unknown; message?: unknown; errors?: unknown };
  if (typeof error === 'string') return truncate(error);
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return truncate((error as { message: string }).message);
  if (typeof message === 'string') return truncate(message);
  if (Array.isArray(errors) && typeof (errors[0] as { message?: unknown } | undefined)?.message === 'string') return truncate((errors[0] as { message: string }).message);
  return undefined;
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
