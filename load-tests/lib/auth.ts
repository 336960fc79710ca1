/**
 * The request headers of the Track API: Basic auth with the site id as user and the Track API key as
 * password.
 */
import encoding from 'k6/encoding';
import type { LoadTestConfig } from './config.ts';

/** `Authorization` and `Content-Type` headers for every Track API call of a run. */
export function trackHeaders(config: Pick<LoadTestConfig, 'siteId' | 'apiKey'>): Record<string, string> {
  return {
    Authorization: `Basic ${encoding.b64encode(`${config.siteId}:${config.apiKey}`)}`,
    'Content-Type': 'application/json',
  };
}
