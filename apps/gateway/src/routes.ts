/**
 * The Track API paths the gateway answers, as `track.customer.io` names them, each with its error format,
 * its body cap and how its body becomes operations.
 */
import { CUSTOMERIO_LIMITS, type PersonIdentifiers } from '@cioscale/core';
import type { BatchProblem, ErrorFormat, Problem } from './answers.js';
import { isProblem, isRecord, problem, type CheckedOperation } from './shapes.js';
import { personFromPath, v1AddDevice, v1AnonymousEvent, v1DeleteDevice, v1Event, v1Identify, v1Merge, v1PersonState } from './v1Operations.js';
import { v2Operation } from './v2Operations.js';

/** What a call asks for: operations to enqueue, each with its JSON (and, for a batch, the refused ones), or one problem. */
export type CallContent =
  | { readonly kind: 'operations'; readonly operations: readonly CheckedOperation[]; readonly refused: readonly BatchProblem[] }
  | { readonly kind: 'problem'; readonly problem: Problem; readonly status?: number };

/** One matched route. */
export interface Route {
  readonly format: ErrorFormat;
  /** The largest body accepted, in bytes; larger answers 413. */
  readonly maxBodyBytes: number;
  /** The call's operations from its parsed body (`undefined` when empty). */
  content(body: unknown): CallContent;
}

/** The route of `method` `path`, or undefined (404). */
export function matchRoute(method: string, path: string, maxV1BodyBytes: number): Route | undefined {
  if (path.startsWith('/api/v2/')) return matchV2(method, path.slice(8));
  if (path.startsWith('/api/v1/')) return matchV1(method, path.slice(8).split('/'), maxV1BodyBytes);
  return undefined;
}

const one = (parsed: CheckedOperation | Problem): CallContent => (isProblem(parsed) ? { kind: 'problem', problem: parsed } : { kind: 'operations', operations: [parsed], refused: [] });

const ENTITY: Route = {
  format: 'v2',
  // "/entity is limited to requests 32kb or smaller"
  maxBodyBytes: CUSTOMERIO_LIMITS.operationBytes,
  content: (body) => one(v2Operation(body)),
};

const BATCH: Route = {
  format: 'v2',
  // "/batch is limited to requests smaller than 500kb"
  maxBodyBytes: CUSTOMERIO_LIMITS.batchRequestBytes - 1,
  content: (body) => {
    const list = isRecord(body) ? body['batch'] : undefined;
    if (!Array.isArray(list) || list.length === 0) return { kind: 'problem', problem: problem(Array.isArray(list) ? 'required' : 'invalid', 'batch', 'batch must be a non-empty array of operations') };
    const operations: CheckedOperation[] = [];
    const refused: BatchProblem[] = [];
    list.forEach((item: unknown, index) => {
      const parsed = v2Operation(item);
      if (isProblem(parsed)) refused.push({ batch_index: index, ...parsed });
      else operations.push(parsed);
    });
    return { kind: 'operations', operations, refused };
  },
};

function matchV2(method: string, rest: string): Route | undefined {
  if (method !== 'POST') return undefined;
  if (rest === 'batch') return BATCH;
  if (rest === 'entity') return ENTITY;
  return undefined;
}

function matchV1(method: string, segments: readonly string[], maxBodyBytes: number): Route | undefined {
  const route = (content: Route['content'], format: ErrorFormat = 'v1'): Route => ({ format, maxBodyBytes, content });
  // indexed, not destructured with a rest element: that runs the iterator protocol on every call
  if (segments.length > 4) return undefined;
  const first = segments[0];
  const rawIdentifier = segments[1];
  const sub = segments[2];
  const rawDeviceId = segments[3];
  if (first === 'events' && segments.length === 1 && method === 'POST') return route((body) => one(v1AnonymousEvent(body)));
  if (first === 'merge_customers' && segments.length === 1 && method === 'POST') return route((body) => one(v1Merge(body)), 'v1-merge');
  if (first !== 'customers' || rawIdentifier === undefined) return undefined;
  let person: PersonIdentifiers | Problem;
  let deviceId: string | undefined;
  try {
    person = personFromPath(decodeURIComponent(rawIdentifier));
    deviceId = rawDeviceId === undefined ? undefined : decodeURIComponent(rawDeviceId);
  } catch {
    return route(() => ({ kind: 'problem', problem: problem('invalid', 'identifier', 'the path is not valid URI encoding') }));
  }
  if (isProblem(person)) {
    const refused = person;
    return route(() => ({ kind: 'problem', problem: refused }));
  }
  const who = person;
  if (sub === undefined) {
    if (method === 'PUT') return route((body) => one(v1Identify(who, body)));
    if (method === 'DELETE') return route(() => one(v1PersonState('delete', who)));
    return undefined;
  }
  if (deviceId === undefined) {
    if (method === 'POST' && (sub === 'suppress' || sub === 'unsuppress')) return route(() => one(v1PersonState(sub, who)));
    if (method === 'POST' && sub === 'events') return route((body) => one(v1Event(who, body)));
    if (method === 'PUT' && sub === 'devices') return route((body) => one(v1AddDevice(who, body)));
    return undefined;
  }
  if (method === 'DELETE' && sub === 'devices') {
    const token = deviceId;
    return route(() => one(v1DeleteDevice(who, token)));
  }
  return undefined;
}
