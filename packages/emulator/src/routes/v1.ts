/**
 * Track API v1 routes under `/api/v1/` (identify, delete, suppress, unsuppress, track event,
 * anonymous event, add and delete device, merge, account region, manual segments, form submit,
 * metrics, push events) and `POST /unsubscribe/{delivery_id}`, which lives at the host root.
 */
import type { Answer } from '../http/answers.js';
import { TRACK_LIMITS } from '../limits.js';
import { problem } from '../validate/common.js';
import { parseFormSubmit } from '../validate/forms.js';
import { parseMetric, parsePushMetric, parseUnsubscribe } from '../validate/metrics.js';
import { parseSegmentCall } from '../validate/segments.js';
import {
  parseMerge,
  parseV1AddDevice,
  parseV1AnonymousEvent,
  parseV1DeleteDevice,
  parseV1Event,
  parseV1Identify,
  parseV1PersonState,
} from '../validate/v1.js';
import type { TrackRequest, TrackRoute } from './route.js';
import { applySingle, badRequestRoute, bodyOrEmpty } from './route.js';

const MAX = TRACK_LIMITS.v1RequestBytes;

/** Form submissions answer 204 with no body (the only success of that operation in the OpenAPI document). */
const NO_CONTENT: Answer = { status: 204, body: '' };

function route(handle: TrackRoute['handle'], format: TrackRoute['format'] = 'v1', auth: TrackRoute['auth'] = 'required'): TrackRoute {
  return { format, maxBodyBytes: MAX, oversizeStatus: 413, auth, handle };
}

/**
 * `GET /api/v1/accounts/region`: `{url, region, environment_id}`. The emulator is one region, so it
 * answers `us` with the US URL; `environment_id` is the workspace's position (1, 2, …) in the list.
 */
function regionAnswer({ workspace }: TrackRequest): Answer {
  return { status: 200, body: JSON.stringify({ url: 'https://track.customer.io', region: 'us', environment_id: workspace.environmentId }) };
}

/** The route of `POST /unsubscribe/{delivery_id}` (`segments` are the path's parts after the first `/`). */
export function matchUnsubscribe(method: string, segments: readonly string[]): TrackRoute | undefined {
  if (method !== 'POST' || segments.length !== 2 || segments[0] !== 'unsubscribe' || segments[1] === undefined) return undefined;
  let deliveryId: string;
  try {
    deliveryId = decodeURIComponent(segments[1]);
  } catch {
    return badRequestRoute('v1', problem('invalid', 'delivery_id', 'the path is not valid URI encoding'), MAX);
  }
  return route((request) => applySingle(request, parseUnsubscribe(deliveryId, request.contentType, request.body), 'v1'), 'v1', 'optional');
}

/**
 * The v1 route for `method` and the path segments after `/api/v1/` (still URI-encoded), or
 * undefined when there is none. `query` is the query string (for `id_type`).
 */
export function matchV1(method: string, segments: readonly string[], query: URLSearchParams | undefined): TrackRoute | undefined {
  const [first, rawIdentifier, sub, rawDeviceId, ...extra] = segments;
  if (extra.length > 0) return undefined;
  if (segments.length === 1 && method === 'POST') {
    if (first === 'events') return route((request) => applySingle(request, parseV1AnonymousEvent(bodyOrEmpty(request)), 'v1'));
    if (first === 'merge_customers') return route((request) => applySingle(request, parseMerge(request.body), 'v1-merge'), 'v1-merge');
    if (first === 'metrics') return route((request) => applySingle(request, parseMetric(request.body), 'v1'), 'v1', 'optional');
  }
  if (first === 'accounts' && rawIdentifier === 'region' && segments.length === 2 && method === 'GET') return route(regionAnswer);
  if (first === 'push' && rawIdentifier === 'events' && segments.length === 2 && method === 'POST') {
    return route((request) => applySingle(request, parsePushMetric(request.body), 'v1'), 'v1', 'optional');
  }
  if (first === 'segments' && rawIdentifier !== undefined && segments.length === 3 && method === 'POST' && (sub === 'add_customers' || sub === 'remove_customers')) {
    const action = sub === 'add_customers' ? 'segment_add' : 'segment_remove';
    const idType = query?.get('id_type') ?? null;
    return route((request) => applySingle(request, parseSegmentCall(action, rawIdentifier, idType, request.body), 'v1'));
  }
  if (first === 'forms' && rawIdentifier !== undefined && sub === 'submit' && segments.length === 3 && method === 'POST') {
    let formId: string;
    try {
      formId = decodeURIComponent(rawIdentifier);
    } catch {
      return badRequestRoute('v1', problem('invalid', 'form_id', 'the path is not valid URI encoding'), MAX);
    }
    return route((request) => applySingle(request, parseFormSubmit(formId, request.body), 'v1', NO_CONTENT));
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
    if (method === 'PUT') return route((request) => applySingle(request, parseV1Identify(identifier, bodyOrEmpty(request)), 'v1'));
    if (method === 'DELETE') return route((request) => applySingle(request, parseV1PersonState('delete', identifier), 'v1'));
    return undefined;
  }
  if (deviceId === undefined) {
    if (method === 'POST' && (sub === 'suppress' || sub === 'unsuppress')) {
      return route((request) => applySingle(request, parseV1PersonState(sub, identifier), 'v1'));
    }
    if (method === 'POST' && sub === 'events') return route((request) => applySingle(request, parseV1Event(identifier, bodyOrEmpty(request)), 'v1'));
    if (method === 'PUT' && sub === 'devices') return route((request) => applySingle(request, parseV1AddDevice(identifier, request.body), 'v1'));
    return undefined;
  }
  if (method === 'DELETE' && sub === 'devices') return route((request) => applySingle(request, parseV1DeleteDevice(identifier, deviceId), 'v1'));
  return undefined;
}
