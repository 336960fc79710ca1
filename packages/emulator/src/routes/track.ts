/**
 * Finds the Track API route of a request path: `/api/v1/…` or `/api/v2/…`.
 */
import type { TrackRoute } from './route.js';
import { matchUnsubscribe, matchV1 } from './v1.js';
import { matchV2 } from './v2.js';

/**
 * The route serving `method` on `path` (no query string), or undefined. `query` is parsed only when
 * the request has one: the hot paths (identify, batch) have none.
 */
export function matchTrackRoute(method: string, path: string, query: URLSearchParams | undefined): TrackRoute | undefined {
  if (path.startsWith('/api/v1/')) return matchV1(method, path.slice(8).split('/'), query);
  if (path.startsWith('/api/v2/')) return matchV2(method, path.slice(8).split('/'));
  if (path.startsWith('/unsubscribe/')) return matchUnsubscribe(method, path.slice(1).split('/'));
  return undefined;
}
