import { ConfigurationError } from '@cioscale/core';
import { isRegion, type Region } from './region.js';

/** Customer.io settings read from the environment; every field is absent when its variable is unset or empty. */
export interface CustomerioEnv {
  /** `CUSTOMERIO_SITE_ID`. */
  readonly siteId?: string;
  /** `CUSTOMERIO_TRACK_API_KEY`. Never print it. */
  readonly apiKey?: string;
  /** `CUSTOMERIO_REGION`: `us` or `eu`. */
  readonly region?: Region;
  /** `CIO_TRACK_URL`: a Track API base that overrides the region (e.g. an emulator). */
  readonly trackUrl?: string;
  /** `CIO_RATE_LIMIT`: the request budget, in requests/s. */
  readonly rateLimit?: number;
  /** `CIO_API`: which Customer.io API to deliver to, `track` (classic) or `pipelines`. */
  readonly api?: CustomerioApi;
  /** `CUSTOMERIO_PIPELINES_WRITE_KEY`: the Data Pipelines source's write key. Never print it. */
  readonly pipelinesWriteKey?: string;
  /** `CIO_PIPELINES_URL`: a Pipelines base that overrides the region (e.g. an emulator's Pipelines port). */
  readonly pipelinesUrl?: string;
}

/** The Customer.io API a run delivers to. */
export type CustomerioApi = 'track' | 'pipelines';

/**
 * Reads and validates the Customer.io variables.
 *
 * @param env - @defaultValue process.env
 * @throws {@link ConfigurationError} naming the first variable with a bad value; the key's value is never echoed
 * @example
 * const { siteId, apiKey, region } = readCustomerioEnv();
 */
export function readCustomerioEnv(env: NodeJS.ProcessEnv = process.env): CustomerioEnv {
  const siteId = present(env['CUSTOMERIO_SITE_ID']);
  const apiKey = present(env['CUSTOMERIO_TRACK_API_KEY']);
  const regionText = present(env['CUSTOMERIO_REGION'])?.toLowerCase();
  const trackUrl = present(env['CIO_TRACK_URL']);
  const rateText = present(env['CIO_RATE_LIMIT']);
  const apiText = present(env['CIO_API'])?.toLowerCase();
  const pipelinesWriteKey = present(env['CUSTOMERIO_PIPELINES_WRITE_KEY']);
  const pipelinesUrl = present(env['CIO_PIPELINES_URL']);

  if (apiKey !== undefined && /\s/.test(apiKey)) throw new ConfigurationError('CUSTOMERIO_TRACK_API_KEY', 'a key without spaces or line breaks', '(hidden)');
  if (regionText !== undefined && !isRegion(regionText)) throw new ConfigurationError('CUSTOMERIO_REGION', '"us" or "eu"', JSON.stringify(regionText));
  if (trackUrl !== undefined) checkUrl(trackUrl, 'CIO_TRACK_URL', 'CUSTOMERIO_SITE_ID / CUSTOMERIO_TRACK_API_KEY');
  if (apiText !== undefined && apiText !== 'track' && apiText !== 'pipelines') throw new ConfigurationError('CIO_API', '"track" or "pipelines"', JSON.stringify(apiText));
  if (pipelinesWriteKey !== undefined && /[\s:]/.test(pipelinesWriteKey)) {
    throw new ConfigurationError('CUSTOMERIO_PIPELINES_WRITE_KEY', 'a key without spaces, line breaks or ":"', '(hidden)');
  }
  if (pipelinesUrl !== undefined) checkUrl(pipelinesUrl, 'CIO_PIPELINES_URL', 'CUSTOMERIO_PIPELINES_WRITE_KEY');
  // a missing write key is the caller's to judge: the importer then imports into an embedded emulator, the worker refuses to start
  let rateLimit: number | undefined;
  if (rateText !== undefined) {
    rateLimit = Number(rateText);
    if (!Number.isFinite(rateLimit) || rateLimit <= 0) throw new ConfigurationError('CIO_RATE_LIMIT', 'a number of requests per second > 0', JSON.stringify(rateText));
  }
  return {
    ...(siteId !== undefined && { siteId }),
    ...(apiKey !== undefined && { apiKey }),
    ...(regionText !== undefined && { region: regionText }),
    ...(trackUrl !== undefined && { trackUrl }),
    ...(rateLimit !== undefined && { rateLimit }),
    ...(apiText !== undefined && { api: apiText }),
    ...(pipelinesWriteKey !== undefined && { pipelinesWriteKey }),
    ...(pipelinesUrl !== undefined && { pipelinesUrl }),
  };
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function checkUrl(text: string, variable: string, credentials: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // never echo a value that does not parse: it may hold user info
    throw new ConfigurationError(variable, 'an http(s) URL such as http://127.0.0.1:4100', text.includes('@') ? '(hidden)' : JSON.stringify(text));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigurationError(variable, 'an http(s) URL', JSON.stringify(url.protocol));
  // credentials belong in their own variables; a URL with user info would end up in logs
  if (url.username !== '' || url.password !== '') throw new ConfigurationError(variable, `a URL without credentials (use ${credentials})`, '(hidden)');
}
