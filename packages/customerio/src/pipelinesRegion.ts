import type { Region } from './region.js';

/**
 * Data Pipelines API hosts per region, from Customer.io's Pipelines OpenAPI documents ("Server
 * addresses: US and EU"); calls go to `<host>/v1/<call>`. See docs/pipelines-api.md.
 */
const PIPELINES_URLS: Readonly<Record<Region, string>> = {
  us: 'https://cdp.customer.io',
  eu: 'https://cdp-eu.customer.io',
};

/**
 * The Pipelines base URL for a region or an override, without a trailing `/` or `/v1`.
 *
 * @example
 * pipelinesUrl('eu'); // 'https://cdp-eu.customer.io'
 * pipelinesUrl('us', 'http://127.0.0.1:4200/v1/'); // 'http://127.0.0.1:4200'
 */
export function pipelinesUrl(region: Region, override?: string): string {
  if (override === undefined) return PIPELINES_URLS[region];
  return override.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}
