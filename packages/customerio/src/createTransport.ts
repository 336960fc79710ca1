import { ConfigurationError, DEFAULT_BATCH, type Transport } from '@cioscale/core';
import { createPipelinesTransport, PIPELINES_BATCH_MAX_BYTES } from './createPipelinesTransport.js';
import { createTrackTransport } from './createTrackTransport.js';
import type { CustomerioApi } from './env.js';
import type { Region } from './region.js';

/** Settings every sink shares. */
interface SinkSettings {
  /** Data centre. @defaultValue 'us' */
  readonly region?: Region;
  /** Base URL that overrides the region (an emulator); Track: `CIO_TRACK_URL`, Pipelines: `CIO_PIPELINES_URL`. */
  readonly url?: string;
  /** Time allowed per request, in ms. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Keep-alive sockets; size it to the pipeline's concurrency. @defaultValue 8 */
  readonly connections?: number;
}

/** Which Customer.io API to deliver to, with that API's credentials. Keys are never logged. */
export type SinkConfig =
  | (SinkSettings & { readonly api: 'track'; readonly siteId: string; readonly apiKey: string })
  | (SinkSettings & { readonly api: 'pipelines'; readonly writeKey: string });

/** An open sink: the transport, and what a caller needs to drive and describe it. */
export interface Sink {
  readonly api: CustomerioApi;
  /** Sends one batch; pass it to core's `deliver` (or a queue consumer). */
  readonly send: Transport;
  /** Where requests go, without credentials, e.g. `https://cdp.customer.io`. */
  readonly target: string;
  /**
   * The `batch.maxBytes` to give core for this API: Track's 480,000 (`DEFAULT_BATCH`), Pipelines' 350,000
   * ({@link PIPELINES_BATCH_MAX_BYTES}: mapping adds ~130 bytes an operation and a request is capped at 500 KB).
   */
  readonly batchMaxBytes: number;
  /**
   * One line for a start banner, secrets masked: `Track API at https://track.customer.io (site id abc, API key ***)`
   * or `Data Pipelines API at https://cdp.customer.io (write key ***, strict mode)`.
   */
  readonly description: string;
  /** Closes the keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * The one place that decides which transport a configuration gets: the importer, the worker (and so the
 * gateway's downstream, which is the worker fleet) all call this, never `createTrackTransport` /
 * `createPipelinesTransport` directly, so the two APIs are chosen, sized and described alike.
 *
 * @throws {@link ConfigurationError} for an unknown `api` or a bad option (the key's value is never echoed)
 * @example
 * const sink = createTransport({ api: 'pipelines', writeKey, url: process.env.CIO_PIPELINES_URL });
 * deliver(envelopes$, { transport: sink.send, tokenSource, batch: { maxBytes: sink.batchMaxBytes } });
 */
export function createTransport(config: SinkConfig): Sink {
  const { region, url, timeoutMs, connections } = config;
  const common = { ...(region !== undefined && { region }), ...(url !== undefined && { url }), ...(timeoutMs !== undefined && { timeoutMs }), ...(connections !== undefined && { connections }) };
  if (config.api === 'track') {
    const track = createTrackTransport({ siteId: config.siteId, apiKey: config.apiKey, ...common });
    return { api: 'track', send: track.send, target: track.target, batchMaxBytes: DEFAULT_BATCH.maxBytes, description: `Track API at ${track.target} (site id ${config.siteId}, API key ***)`, close: () => track.close() };
  }
  if (config.api === 'pipelines') {
    const pipelines = createPipelinesTransport({ writeKey: config.writeKey, ...common });
    return {
      api: 'pipelines',
      send: pipelines.send,
      target: pipelines.target,
      batchMaxBytes: PIPELINES_BATCH_MAX_BYTES,
      description: `Data Pipelines API at ${pipelines.target} (write key ***, strict mode)`,
      close: () => pipelines.close(),
    };
  }
  throw ConfigurationError.option('api', '"track" or "pipelines"', (config as { api?: unknown }).api);
}
