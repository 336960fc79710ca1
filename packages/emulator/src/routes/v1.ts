/**
 * Track API v1 routes under `/api/v1/`: identify, delete, suppress, unsuppress, track event,
 * anonymous event, add and delete device, merge.
 */
import { TRACK_LIMITS } from '../limits.js';
import { problem } from '../validate/common.js';
import {
  parseMerge,
  parseV1AddDevice,
  parseV1AnonymousEvent,
  parseV1DeleteDevice,
  parseV1Event,
  parseV1Identify,
  parseV1PersonState,
} from '../validate/v1.js';
import type { TrackRoute } from './route.js';
import { applySingle, badRequestRoute } from './route.js';

const MAX = TRACK_LIMITS.v1RequestBytes;

function route(handle: TrackRoute['handle'], format: TrackRoute['format'] = 'v1'): TrackRoute {
  return { format, maxBodyBytes: MAX, handle };
}

/**
 * The v1 route for `method` and the path segments after `/api/v1/` (still URI-encoded), or
 * undefined when there is none.
 */
export function matchV1(method: string, segments: readonly string[]): TrackRoute | undefined {
  const [first, rawIdentifier, sub, rawDeviceId, ...extra] = segments;
  if (extra.length > 0) return undefined;
  if (first === 'events' && segments.length === 1 && method === 'POST') {
    return route((request) => applySingle(request, parseV1AnonymousEvent(request.body ?? {}), 'v1'));
  }
  if (first === 'merge_customers' && segments.length === 1 && method === 'POST') {
    return route((request) => applySingle(request, parseMerge(request.body), 'v1-merge'), 'v1-merge');
  }
  if (first !== 'customers' || rawIdentifier === undefined) return undefined;
  let identifier: string;
  let deviceId: string | undefined;
  try {
    identifier = decodeURIComponent(rawIdentifier);
    deviceId = rawDeviceId === undefined ? undefined : decodeURIComponent(rawDeviceId);
  } catch {
    return badRequestRoute('v1', problem('invalid', 'identifier', 'the path is not valid URI encoding'), MAX);
  }
  if (sub === undefined) {
    if (method === 'PUT') return route((request) => applySingle(request, parseV1Identify(identifier, request.body ?? {}), 'v1'));
    if (method === 'DELETE') return route((request) => applySingle(request, parseV1PersonState('delete', identifier), 'v1'));
    return undefined;
  }
  if (deviceId === undefined) {
    if (method === 'POST' && (sub === 'suppress' || sub === 'unsuppress')) {
      return route((request) => applySingle(request, parseV1PersonState(sub, identifier), 'v1'));
    }
    if (method === 'POST' && sub === 'events') return route((request) => applySingle(request, parseV1Event(identifier, request.body ?? {}), 'v1'));
    if (method === 'PUT' && sub === 'devices') return route((request) => applySingle(request, parseV1AddDevice(identifier, request.body), 'v1'));
    return undefined;
  }
  if (method === 'DELETE' && sub === 'devices') return route((request) => applySingle(request, parseV1DeleteDevice(identifier, deviceId), 'v1'));
  return undefined;
}
