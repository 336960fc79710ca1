import { ConfigurationError, type AnonymousEventOperation, type Batch, type BatchResponse, type Envelope, type OperationError, type Transport } from '@cioscale/core';
import { TrackClient } from 'customerio-node';
import { Agent } from 'undici';
import { classifyError, operationErrorsOf } from './classifyError.js';
import { displayUrl, isRegion, trackV1Url, type Region } from './region.js';

/** How to reach a Customer.io workspace. */
export interface TrackTransportOptions {
  /** The workspace's site id. */
  readonly siteId: string;
  /** The workspace's Track API key. Never logged, never in an error message. */
  readonly apiKey: string;
  /** Data centre. @defaultValue 'us' */
  readonly region?: Region;
  /** Track API base, e.g. an emulator's `http://127.0.0.1:4100`; a trailing `/api/v1` is accepted too. Overrides `region`. */
  readonly url?: string;
  /** Time allowed per request, in ms. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Keep-alive sockets to the Track API; size it to the pipeline's concurrency. @defaultValue 8 */
  readonly connections?: number;
}

/** A transport bound to one workspace. */
export interface TrackTransport {
  /** Sends one batch as `POST /api/v2/batch` (an anonymous event, alone, as `POST /api/v1/events`); pass it to core's `deliver`. */
  readonly send: Transport;
  /** Where requests go, without credentials, e.g. `https://track.customer.io`. */
  readonly target: string;
  /** Closes the keep-alive sockets. Requests still in flight are cancelled. */
  close(): Promise<void>;
}

/**
 * The core's {@link Transport} over customerio-node's `TrackClient`: the request `batch()` makes, with the body
 * assembled from the operations' JSON that their envelopes already hold (see {@link batchBody}).
 *
 * The client's own retries are off: core's retry policy and token bucket must see every 429 and every
 * attempt, or the two layers would multiply each other's retries and the rate budget would be wrong.
 * A 2xx resolves (a 207 with the refused operations in `errors`); anything else rejects with the
 * classification of {@link classifyError}.
 *
 * @example
 * const cio = createTrackTransport({ siteId, apiKey, region: 'eu', connections: 8 });
 * deliver(envelopes$, { transport: cio.send, tokenSource: new TokenBucket(DEFAULT_BUDGET), concurrency: 8 });
 * await cio.close();
 */
export function createTrackTransport(options: TrackTransportOptions): TrackTransport {
  const { siteId, apiKey } = options;
  if (typeof siteId !== 'string' || siteId.trim() === '') throw ConfigurationError.option('siteId', 'a non-empty string', siteId);
  // the value is never echoed, only its type
  if (typeof apiKey !== 'string' || apiKey.trim() === '') throw ConfigurationError.option('apiKey', 'a non-empty string', typeof apiKey);
  const region = options.region ?? 'us';
  if (!isRegion(region)) throw ConfigurationError.option('region', '"us" or "eu"', region);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw ConfigurationError.option('timeoutMs', 'a number of ms > 0', timeoutMs);
  const connections = options.connections ?? 8;
  if (!Number.isInteger(connections) || connections < 1) throw ConfigurationError.option('connections', 'an integer ≥ 1', connections);
  const url = trackV1Url(region, options.url);
  if (options.url !== undefined && !/^https?:\/\//.test(url)) throw ConfigurationError.option('url', 'an http(s) URL', displayUrl(url));

  // One pool for the whole run: a fresh TLS handshake per request would cost more than the request.
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1 });
  const client = new TrackClient(siteId, apiKey, { url, timeout: timeoutMs, retry: { maxRetries: 0 }, dispatcher });

  const sendBatch = async (envelopes: readonly Envelope[]): Promise<BatchResponse> => {
    try {
      const body: unknown = await postBatch(client, envelopes);
      // customerio-node hides the status of a 2xx: a 200 body is `{}`, a 207 body lists `errors`
      const errors = operationErrorsOf(body);
      return { status: errors.length > 0 ? 207 : 200, errors };
    } catch (error) {
      throw classifyError(error);
    }
  };

  const send: Transport = async (batch: Batch): Promise<BatchResponse> => {
    const [first] = batch.envelopes;
    if (first !== undefined && batch.envelopes.length === 1 && first.operation.type === 'anonymous') {
      try {
        const { anonymous_id: anonymousId, ...event } = first.operation;
        // v1's own call; customerio-node leaves anonymous_id out when it is empty, as for an event of no one
        await client.trackAnonymous(anonymousId ?? '', v1AnonymousBody(event));
        return { status: 200, errors: [] };
      } catch (error) {
        throw classifyError(error);
      }
    }
    if (!batch.envelopes.some((envelope) => envelope.operation.type === 'anonymous')) return sendBatch(batch.envelopes);
    return sendMixed(batch, sendBatch);
  };

  return {
    send,
    target: displayUrl(url),
    close: async () => {
      await dispatcher.destroy();
    },
  };
}

/**
 * `client.batch(operations)` without serialising the operations again: customerio-node's own request for
 * `POST /api/v2/batch` (its `options()`: Basic auth, `Content-Type`, `User-Agent`; then `Content-Length` as it
 * computes it) sent by its own `handler()` (timeout, redirects without leaking the key, `CustomerIORequestError`
 * for a non-2xx, which {@link classifyError} reads), with the body {@link batchBody} assembled. Only the
 * `JSON.stringify` of the operations is skipped: core's envelope did it once already, to measure them.
 */
function postBatch(client: TrackClient, envelopes: readonly Envelope[]): Promise<unknown> {
  // the client's own check and error for an empty batch
  if (envelopes.length === 0) return client.batch([]);
  const body = batchBody(envelopes);
  const options = client.request.options(`${client.trackV2Root}/batch`, 'POST');
  return client.request.handler({ ...options, headers: { ...options.headers, 'Content-Length': Buffer.byteLength(body, 'utf8') }, body });
}

/**
 * The text `JSON.stringify({ batch: operations })` makes, from each envelope's `json` (or its operation
 * serialised here when the envelope has none): an array's elements are serialised one by one and joined
 * with commas, so the two are the same bytes.
 *
 * A string, as the client would send, not bytes written into a buffer: a dead ~480 KB ArrayBuffer is freed
 * only when V8 feels external-memory pressure (tens of MB later), so buffer bodies raised peak RSS (193 against
 * 178 MB at 1M rows, docs/benchmarks.md).
 */
export function batchBody(envelopes: readonly Envelope[]): string {
  const parts = new Array<string>(envelopes.length);
  for (let i = 0; i < envelopes.length; i++) {
    const envelope = envelopes[i] as Envelope;
    parts[i] = envelope.json ?? JSON.stringify(envelope.operation);
  }
  return `{"batch":[${parts.join(',')}]}`;
}

/** v1's `{name, id, type, timestamp, data}` of an anonymous event (core calls the data `attributes`, as v2 does). */
function v1AnonymousBody(event: Omit<AnonymousEventOperation, 'anonymous_id'>): Record<string, unknown> {
  const { action, name, id, timestamp, attributes } = event;
  return { name, type: action, ...(id !== undefined && { id }), ...(timestamp !== undefined && { timestamp }), ...(attributes !== undefined && { data: attributes }) };
}

/**
 * A batch holding anonymous events among other operations. Core's batcher never makes one (each anonymous
 * event is a batch of its own); a caller of the transport alone might. One batch is one request and one
 * token of the budget, so the anonymous events are refused locally, never sent as extra v1 requests, and the
 * rest goes as one v2 batch; every error's `batch_index` is this batch's.
 */
async function sendMixed(batch: Batch, sendBatch: (envelopes: readonly Envelope[]) => Promise<BatchResponse>): Promise<BatchResponse> {
  const refused: OperationError[] = [];
  const sentIndexes: number[] = [];
  batch.envelopes.forEach((envelope, index) => {
    if (envelope.operation.type !== 'anonymous') sentIndexes.push(index);
    else {
      refused.push({
        batch_index: index,
        reason: 'anonymous_event_not_alone',
        field: 'operation',
        message: 'an anonymous event has no Track v2 form: it is sent alone as POST /api/v1/events, and this batch held other operations (not sent)',
        origin: 'local',
      });
    }
  });
  if (sentIndexes.length === 0) return { status: 207, errors: refused };
  const answer = await sendBatch(sentIndexes.map((index) => batch.envelopes[index]!));
  const remapped = answer.errors.map((error) => (error.batch_index === undefined ? error : { ...error, batch_index: sentIndexes[error.batch_index] ?? error.batch_index }));
  return { status: 207, errors: [...refused, ...remapped] };
}
