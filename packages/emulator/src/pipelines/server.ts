/**
 * The emulator's Data Pipelines port: `POST /v1/{identify,track,page,screen,group,alias,batch}`.
 *
 * Request path: route (404) → latency → write-key auth (401) → rate limit (429) → injected fault (the
 * Track port's fault settings: 500/503, reset, hang) → body with the documented cap → JSON → every call
 * parsed → applied to the workspace's ledger, deduplicated by `messageId`.
 *
 * Strict mode is the point of this file. With `X-Strict-Mode: 1` an invalid or oversize request is
 * answered 400 and nothing of it is applied. Without it, Customer.io answers 200 and drops the request
 * silently (docs/pipelines-api.md "Strict mode"): the emulator does the same and counts it in
 * `silentlyDroppedRequests`, so a test can show the loss strict mode prevents. A batch is applied
 * whole or not at all: the API documents no per-entry error format, so a client finds the bad entry
 * by bisection.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Answer } from '../http/answers.js';
import { writeAnswer } from '../http/answers.js';
import { readBody } from '../http/body.js';
import type { TimerSet } from '../http/timers.js';
import type { FaultInjector } from '../faults.js';
import { exceedsBytes } from '../limits.js';
import type { Problem } from '../validate/common.js';
import { isProblem, isRecord, problem } from '../validate/common.js';
import { PIPELINES_LIMITS } from './limits.js';
import type { PipelinesCall } from './parse.js';
import { CALL_TYPES, parsePipelinesCall } from './parse.js';
import type { PipelinesState, PipelinesWorkspace } from './pipelinesState.js';

const SINGLE = new Set<string>(CALL_TYPES);

/** Creates (but does not start) the Pipelines server. */
export function createPipelinesServer(state: PipelinesState, faults: FaultInjector, timers: TimerSet): Server {
  const server = createServer((request, response) => {
    try {
      route(state, faults, timers, request, response);
    } catch (error) {
      if (!response.headersSent) writeAnswer(response, { status: 500, body: JSON.stringify({ error: String(error) }) });
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  return server;
}

function route(state: PipelinesState, faults: FaultInjector, timers: TimerSet, request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const path = url.split('?', 1)[0] ?? '/';
  const type = path.startsWith('/v1/') ? path.slice(4) : '';
  if (request.method !== 'POST' || (type !== 'batch' && !SINGLE.has(type))) {
    state.notFound++;
    return writeAnswer(response, errorAnswer(404, problem('not_found', 'path', `no Pipelines route for ${request.method ?? 'GET'} ${path}`)));
  }
  const latency = faults.latencyMs();
  if (latency <= 0) return admit(state, faults, timers, request, response, type);
  timers.after(latency, () => {
    if (!response.destroyed) admit(state, faults, timers, request, response, type);
  });
}

function admit(state: PipelinesState, faults: FaultInjector, timers: TimerSet, request: IncomingMessage, response: ServerResponse, type: string): void {
  const pipelines = state.authenticate(request.headers.authorization);
  if (pipelines === undefined) {
    state.unauthorized++;
    return writeAnswer(response, errorAnswer(401, problem('unauthorized', 'authorization', 'unauthorized: send HTTP Basic auth with a source write key as the user and an empty password')));
  }
  const counters = pipelines.counters;
  counters.requests++;
  const strict = request.headers['x-strict-mode'] === '1';
  if (strict) counters.strictRequests++;
  const token = pipelines.rateLimit.take();
  if (!token.allowed) {
    counters.rateLimited++;
    const seconds = Math.max(1, Math.ceil(token.retryAfterMs / 1000));
    return answer(pipelines, response, errorAnswer(429, problem('rate_limited', '', `rate limit of workspace ${pipelines.workspace.siteId} exceeded`), { 'retry-after': String(seconds) }));
  }
  const fault = faults.roll();
  if (fault === 'reset') {
    counters.faults++;
    request.socket.resetAndDestroy();
    return;
  }
  if (fault === 'hang') {
    counters.faults++;
    timers.after(faults.hangMs, () => request.socket.destroy());
    return;
  }
  if (fault === 500 || fault === 503) {
    counters.faults++;
    return answer(pipelines, response, errorAnswer(fault, problem('injected_fault', '', `${fault === 500 ? 'internal server error' : 'service unavailable'} (injected fault)`)));
  }
  const maxBytes = type === 'batch' ? PIPELINES_LIMITS.batchBytes : PIPELINES_LIMITS.callBytes;
  readBody(request, maxBytes, (read) => {
    if (read.kind === 'aborted') return;
    if (read.kind === 'too_large') {
      const what = type === 'batch' ? 'a batch request' : 'a call';
      return refuse(pipelines, response, strict, 1, problem('too_large', 'body', `request body is ${read.received} bytes; ${what} may be at most ${maxBytes}`), read.closeConnection);
    }
    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch {
      return refuse(pipelines, response, strict, 1, problem('invalid', 'body', 'request body is not valid JSON'));
    }
    const calls = type === 'batch' ? parseBatch(body, read.body.length) : parsePipelinesCall(body, type);
    if (isProblem(calls)) return refuse(pipelines, response, strict, isRecord(body) && Array.isArray(body['batch']) ? body['batch'].length : 1, calls);
    apply(pipelines, Array.isArray(calls) ? calls : [calls]);
    answer(pipelines, response, { status: 200, body: '{"success":true}' });
  });
}

/** Every entry of a batch, or the first problem (with its index: the emulator's own words, not a documented format). */
function parseBatch(body: unknown, bytes: number): PipelinesCall[] | Problem {
  const entries = isRecord(body) ? body['batch'] : undefined;
  if (!Array.isArray(entries) || entries.length === 0) return problem('invalid', 'batch', 'batch must be a non-empty array of calls');
  const measure = bytes > PIPELINES_LIMITS.entryBytes;
  const calls: PipelinesCall[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry: unknown = entries[index];
    if (measure && exceedsBytes(JSON.stringify(entry), PIPELINES_LIMITS.entryBytes)) {
      return problem('too_large', `batch[${index}]`, `batch[${index}] is larger than ${PIPELINES_LIMITS.entryBytes} bytes`);
    }
    const parsed = parsePipelinesCall(entry, isRecord(entry) ? entry['type'] : undefined);
    if (isProblem(parsed)) return problem(parsed.reason, `batch[${index}].${parsed.field}`, `batch[${index}]: ${parsed.message}`);
    calls.push(parsed);
  }
  return calls;
}

function apply(pipelines: PipelinesWorkspace, calls: readonly PipelinesCall[]): void {
  const now = Date.now();
  for (const { command, messageId } of calls) {
    if (messageId !== undefined && pipelines.seen(messageId)) {
      pipelines.counters.duplicateMessages++;
      continue;
    }
    pipelines.counters.acceptedCalls++;
    pipelines.workspace.accept(command, now);
  }
}

/** 400 in strict mode; otherwise Customer.io's silent 200, counted so the loss can be shown. */
function refuse(pipelines: PipelinesWorkspace, response: ServerResponse, strict: boolean, calls: number, reason: Problem, close = false): void {
  if (strict) {
    pipelines.counters.rejectedRequests++;
    return answer(pipelines, response, errorAnswer(400, reason), close);
  }
  pipelines.counters.silentlyDroppedRequests++;
  pipelines.counters.silentlyDroppedCalls += calls;
  answer(pipelines, response, { status: 200, body: '{"success":true}' }, close);
}

function answer(pipelines: PipelinesWorkspace, response: ServerResponse, result: Answer, close = false): void {
  pipelines.counters.statuses[result.status] = (pipelines.counters.statuses[result.status] ?? 0) + 1;
  writeAnswer(response, result, close);
}

/** An error body. Its shape is the emulator's own: Customer.io documents none for Pipelines. */
function errorAnswer(status: number, reason: Problem, headers?: Record<string, string>): Answer {
  const body = JSON.stringify({ error: { reason: reason.reason, field: reason.field, message: reason.message } });
  return headers === undefined ? { status, body } : { status, body, headers };
}
