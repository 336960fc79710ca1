/**
 * The HTTP front of the emulator (node:http, no framework, for speed). A Track API request goes
 * through: route → latency → auth (401) → forced 429 window → token bucket (429) → injected fault
 * → body with a byte cap (400 on v2, 413 for the v1 guard) → JSON (400) → the route (200 / 204 / 207 / 400).
 *
 * The Track API path is written with callbacks, not async/await: it runs for every request of a
 * load test, and each promise and microtask shows in requests per second.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Answer, ErrorFormat } from './answers.js';
import { errorAnswer, writeAnswer } from './answers.js';
import type { BodyResult } from './body.js';
import { readBody } from './body.js';
import { TimerSet } from './timers.js';
import { handleAdmin } from '../routes/admin.js';
import type { TrackRoute } from '../routes/route.js';
import { matchTrackRoute } from '../routes/track.js';
import type { PipelinesState } from '../pipelines/pipelinesState.js';
import type { EmulatorState } from '../state.js';
import { problem } from '../validate/common.js';
import type { Workspace } from '../workspace.js';

/** The server plus the timers it holds, which `close` must cancel. */
export interface TrackServer {
  readonly server: Server;
  readonly timers: TimerSet;
}

/** Creates (but does not start) the emulator's HTTP server. */
export function createTrackServer(state: EmulatorState, pipelines?: PipelinesState): TrackServer {
  const timers = new TimerSet();
  const server = createServer((request, response) => {
    try {
      route(state, pipelines, timers, request, response);
    } catch (error) {
      fail(response, error);
    }
  });
  // Load generators open many keep-alive connections; never let a slow one be cut by the defaults.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  return { server, timers };
}

function fail(response: ServerResponse, error: unknown): void {
  if (!response.headersSent) writeAnswer(response, { status: 500, body: JSON.stringify({ error: String(error) }) });
  else response.destroy();
}

function route(state: EmulatorState, pipelines: PipelinesState | undefined, timers: TimerSet, request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const method = request.method ?? 'GET';
  if (path.startsWith('/__emulator/')) {
    const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
    handleAdmin(state, pipelines, request, response, path.slice(12), query).catch((error: unknown) => fail(response, error));
    return;
  }
  const trackRoute = matchTrackRoute(method, path, queryStart < 0 ? undefined : new URLSearchParams(url.slice(queryStart + 1)));
  if (trackRoute === undefined) {
    state.server.notFound++;
    return writeAnswer(response, errorAnswer(404, path.startsWith('/api/v2/') ? 'v2' : 'v1', problem('not_found', 'path', `no Track API route for ${method} ${path}`)));
  }
  const latency = state.faults.latencyMs();
  if (latency <= 0) return admit(state, timers, request, response, trackRoute);
  timers.after(latency, () => {
    if (!response.destroyed) admit(state, timers, request, response, trackRoute);
  });
}

/** Auth, rate limit and faults: everything decided before the body is read. */
function admit(state: EmulatorState, timers: TimerSet, request: IncomingMessage, response: ServerResponse, route: TrackRoute): void {
  const authenticated = state.authenticator.authenticate(request.headers.authorization);
  const workspace = authenticated ?? (route.auth === 'optional' ? state.workspaces[0] : undefined);
  if (workspace === undefined) {
    state.server.unauthorized++;
    return writeAnswer(response, errorAnswer(401, route.format, problem('unauthorized', 'authorization', 'unauthorized: send HTTP Basic auth with a known site id and its API key')));
  }
  const counters = workspace.counters;
  counters.requests++;
  const forcedMs = state.faults.forced429RemainingMs();
  if (forcedMs > 0) {
    counters.faults.forced429++;
    return answer(workspace, response, tooManyRequests(state, workspace, route.format, forcedMs));
  }
  const token = workspace.rateLimit.take();
  if (!token.allowed) return answer(workspace, response, tooManyRequests(state, workspace, route.format, token.retryAfterMs));

  const fault = state.faults.roll();
  if (fault === 'reset') {
    counters.faults.resets++;
    request.socket.resetAndDestroy();
    return;
  }
  if (fault === 'hang') {
    // Never answered; the socket is freed after hangMs (or when the emulator closes).
    counters.faults.hangs++;
    timers.after(state.faults.hangMs, () => request.socket.destroy());
    return;
  }
  if (fault === 500 || fault === 503) {
    counters.faults[fault === 500 ? 'error500' : 'error503']++;
    const message = fault === 500 ? 'internal server error (injected fault)' : 'service unavailable (injected fault)';
    return answer(workspace, response, errorAnswer(fault, route.format, problem('injected_fault', '', message)));
  }
  readBody(request, route.maxBodyBytes, (read) => {
    try {
      respond(workspace, request, response, route, read);
    } catch (error) {
      fail(response, error);
    }
  });
}

/** Body → JSON → route. */
function respond(workspace: Workspace, request: IncomingMessage, response: ServerResponse, route: TrackRoute, read: BodyResult): void {
  const counters = workspace.counters;
  if (read.kind === 'aborted') return;
  if (read.kind === 'too_large') {
    counters.rejectedRequests++;
    const message = `request body is ${read.received} bytes; this endpoint accepts at most ${route.maxBodyBytes}`;
    return answer(workspace, response, errorAnswer(route.oversizeStatus, route.format, problem('too_large', 'body', message)), read.closeConnection);
  }
  counters.bytes += read.body.length;
  let body: unknown;
  if (read.body.length > 0) {
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch {
      counters.rejectedRequests++;
      return answer(workspace, response, errorAnswer(400, route.format, problem('invalid', 'body', 'request body is not valid JSON')));
    }
  }
  answer(workspace, response, route.handle({ workspace, body, bytes: read.body.length, now: Date.now(), contentType: request.headers['content-type'] }));
}

function answer(workspace: Workspace, response: ServerResponse, result: Answer, close = false): void {
  workspace.countStatus(result.status);
  writeAnswer(response, result, close);
}

function tooManyRequests(state: EmulatorState, workspace: Workspace, format: ErrorFormat, retryAfterMs: number): Answer {
  workspace.counters.rateLimited++;
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const headers = state.retryAfter ? { 'retry-after': String(seconds) } : undefined;
  return errorAnswer(429, format, problem('rate_limited', '', `rate limit of workspace ${workspace.siteId} exceeded`), headers);
}
