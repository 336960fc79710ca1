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
}

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

  if (apiKey !== undefined && /\s/.test(apiKey)) throw new ConfigurationError('CUSTOMERIO_TRACK_API_KEY', 'a key without spaces or line breaks', '(hidden)');
  if (regionText !== undefined && !isRegion(regionText)) throw new ConfigurationError('CUSTOMERIO_REGION', '"us" or "eu"', JSON.stringify(regionText));
  if (trackUrl !== undefined) checkUrl(trackUrl);
  let rateLimit: number | undefined;
  if (rateText !== undefined) {
    rateLimit = Number(rateText);
    if (!Number.isFinite(rateLimit) || rateLimit <= 0) throw new ConfigurationError('CIO_RATE_LIMIT', 'a number of requests per second > 0', JSON.stringify(rateText));
  }
  return {
    ...(siteId !== undefined && { siteId }),
    ...(apiKey !== undefined && { apiKey }),
    ...(regionText !== undefined && { region: regionText as Region }),
    ...(trackUrl !== undefined && { trackUrl }),
    ...(rateLimit !== undefined && { rateLimit }),
  };
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function checkUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError('CIO_TRACK_URL', 'an http(s) URL such as http://127.0.0.1:4100', JSON.stringify(text));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigurationError('CIO_TRACK_URL', 'an http(s) URL', JSON.stringify(url.protocol));
  // credentials belong in their own variables; a URL with user info would end up in logs
  if (url.username !== '' || url.password !== '') throw new ConfigurationError('CIO_TRACK_URL', 'a URL without credentials (use CUSTOMERIO_SITE_ID / CUSTOMERIO_TRACK_API_KEY)', '(hidden)');
}
