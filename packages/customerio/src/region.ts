/** A Customer.io data centre. */
export type Region = 'us' | 'eu';

/** Track API base URLs per region (v1 paths; the client derives `/api/v2` itself). */
const TRACK_V1_URLS: Readonly<Record<Region, string>> = {
  us: 'https://track.customer.io/api/v1',
  eu: 'https://track-eu.customer.io/api/v1',
};

/** True for `us` and `eu`. */
export function isRegion(value: unknown): value is Region {
  return value === 'us' || value === 'eu';
}

/**
 * The v1 base URL customerio-node wants (`…/api/v1`) for a region or an override.
 *
 * customerio-node derives its v2 URL by replacing `/api/v1` in the base, so an override without that
 * suffix (`http://127.0.0.1:4100`, as the emulator prints it) would send batches to the wrong path:
 * the suffix is added here, and a trailing `/api/v2` is read as the same host.
 *
 * @example
 * trackV1Url('us'); // 'https://track.customer.io/api/v1'
 * trackV1Url('us', 'http://127.0.0.1:4100/'); // 'http://127.0.0.1:4100/api/v1'
 */
export function trackV1Url(region: Region, override?: string): string {
  if (override === undefined) return TRACK_V1_URLS[region];
  const base = override.trim().replace(/\/+$/, '').replace(/\/api\/v[12]$/, '');
  return `${base}/api/v1`;
}

/**
 * The URL to show people: scheme, host and path, never user info (`https://user:pass@…`) or a query.
 *
 * @example
 * displayUrl('http://site:secret@127.0.0.1:4100/api/v1?x=1'); // 'http://127.0.0.1:4100'
 */
export function displayUrl(v1Url: string): string {
  try {
    const url = new URL(v1Url);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v1$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}
