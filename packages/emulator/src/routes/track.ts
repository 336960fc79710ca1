/**
 * Finds the Track API route of a request path: `/api/v1/…` or `/api/v2/…`.
 */
import type { TrackRoute } from './route.js';
import { matchV1 } from './v1.js';
import { matchV2 } from './v2.js';

/** The route serving `method` on `path` (no query string), or undefined. */
export function matchTrackRoute(method: string, path: string): TrackRoute | undefined {
  if (path.startsWith('/api/v1/')) return matchV1(method, path.slice(8).split('/'));
  if (path.startsWith('/api/v2/')) return matchV2(method, path.slice(8).split('/'));
  return undefined;
}
