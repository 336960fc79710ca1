/**
 * The gateway's HTTP front (node:http, no framework: measured in bench/gateway.bench.ts against a bare
 * node:http server). A Track API call goes through: route (404) → draining (503) → auth (401) → backlog
 * (429) → body with a byte cap (413) → JSON depth and syntax (400) → the route's validation (400 / 207) →
 * enqueue into Redis (200 once persisted; 503 when Redis cannot take it).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { codeOf } from '@cioscale/core';
import type { Producer } from '@cioscale/queue';
import { errorAnswer, multiStatus, OK, UNAUTHORIZED_MESSAGE, writeAnswer, type Answer, type ErrorFormat, type RefusalReason } from './answers.js';
import { Authenticator } from './authenticator.js';
import { describeBackpressure, type BacklogWatch } from './backlog.js';
import { EnqueueBatcher } from './enqueueBatcher.js';
import type { GatewayConfig } from './config.js';
import type { CallOutcome, GatewayMetrics } from './gatewayMetrics.js';
import { exceedsJsonDepth } from './jsonDepth.js';
import { readBody } from './readBody.js';
import { matchRoute, type Route } from './routes.js';
import { problem } from './shapes.js';

/** What the server needs; every piece is built (and closed) by its owner, main.ts or a test. */
export interface GatewayDeps {
  readonly config: Pick<GatewayConfig, 'workspaces' | 'retryAfterSeconds' | 'maxV1BodyBytes' | 'maxJsonDepth' | 'headersTimeoutMs' | 'requestTimeoutMs'>;
  readonly producer: Pick<Producer, 'enqueueMany'>;
  readonly backlog: BacklogWatch;
  readonly metrics: GatewayMetrics;
  /** True while Redis is connected (readiness). */
  readonly redisReady: () => boolean;
}

/** The server plus the switch SIGTERM flips. */
export interface GatewayServer {
  readonly server: Server;
  /** Stops taking calls (new ones get 503 + `Connection: close`); resolves once those in progress are answered or `timeoutMs` passed. */
  drain(timeoutMs: number): Promise<void>;
}

export function createGatewayServer(deps: GatewayDeps): GatewayServer {
  const { config, metrics } = deps;
  const authenticator = new Authenticator(config.workspaces);
  const enqueue = new EnqueueBatcher(deps.producer, deps.backlog);
  const retryAfter = { 'retry-after': String(config.retryAfterSeconds) };
  let draining = false;
  const idle: (() => void)[] = [];

  const server = createServer((request, response) => {
    const receivedAt = process.hrtime.bigint();
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const method = request.method ?? 'GET';
    if (method === 'GET' && (path === '/metrics' || path === '/healthz' || path === '/readyz')) return probe(path, response);
    metrics.inFlight++;
    let settled = false;
    const finish = (workspace: string, outcome: CallOutcome, answer: Answer, operations?: { accepted: number; rejected: number }, close = false): void => {
      if (settled) return;
      settled = true;
      metrics.inFlight--;
      metrics.record(workspace, outcome, Number(process.hrtime.bigint() - receivedAt) / 1e9, operations);
      if (!response.destroyed) writeAnswer(response, answer, close || draining);
      if (metrics.inFlight === 0) for (const resolve of idle.splice(0)) resolve();
    };
    // a client cut off mid-body (request timeout, reset) is answered no more, but counted and released ('close'
    // comes once; `on` skips `once`'s wrapper)
    response.on('close', () => finish('', 'aborted', OK));
    const route = matchRoute(method, path, config.maxV1BodyBytes);
    if (!route) {
      const format: ErrorFormat = path.startsWith('/api/v2/') ? 'v2' : 'v1';
      return finish('', 'not_found', errorAnswer(404, format, problem('not_found', 'path', `no Track API route for ${method} ${path}`)));
    }
    if (draining) return finish('', 'draining', errorAnswer(503, route.format, problem('unavailable', '', 'the gateway is shutting down; retry'), retryAfter), undefined, true);
    const accepted = authenticator.authenticate(request.headers.authorization);
    if (!accepted) return finish('', 'unauthorized', errorAnswer(401, route.format, problem('unauthorized', 'authorization', UNAUTHORIZED_MESSAGE)));
    const workspace = accepted.workspace.name;
    const backlog = deps.backlog.state(workspace);
    if (backlog.over) {
      const headers = { 'retry-after': String(backlog.retryAfterSeconds) };
      return finish(workspace, backlog.reason ?? 'backlog', errorAnswer(429, route.format, problem('rate_limited', '', describeBackpressure(workspace, backlog)), headers));
    }
    readBody(request, route.maxBodyBytes, (read) => {
      if (read.kind === 'aborted') return finish(workspace, 'aborted', OK);
      if (read.kind === 'too_large') {
        const message = `request body is ${read.received} bytes; this endpoint accepts at most ${route.maxBodyBytes}`;
        return finish(workspace, 'too_large', errorAnswer(413, route.format, problem('too_large', 'body', message)), undefined, read.closeConnection);
      }
      const refused = (reason: RefusalReason, status: number, field: string, message: string): void => finish(workspace, reason, errorAnswer(status, route.format, problem(reason === 'malformed' ? 'invalid' : reason, field, message)));
      if (exceedsJsonDepth(read.body, config.maxJsonDepth)) return refused('malformed', 400, 'body', `request body nests deeper than ${config.maxJsonDepth} levels`);
      let body: unknown;
      if (read.body.length > 0) {
        try {
          body = JSON.parse(read.body.toString('utf8'));
        } catch {
          return refused('malformed', 400, 'body', 'request body is not valid JSON');
        }
      }
      handle(workspace, route, body, finish).catch((error: unknown) => {
        process.stderr.write(`gateway: ${error instanceof Error ? error.message : String(error)}\n`);
        finish(workspace, 'internal', errorAnswer(500, route.format, problem('internal', '', 'the gateway failed to accept the call; nothing of it was accepted, retry')));
      });
    });
  });
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  // SDKs keep connections open between calls; longer than a load balancer's usual 60 s idle cut
  server.keepAliveTimeout = 65_000;

  async function handle(workspace: string, route: Route, body: unknown, finish: (workspace: string, outcome: CallOutcome, answer: Answer, operations?: { accepted: number; rejected: number }) => void): Promise<void> {
    const content = route.content(body);
    if (content.kind === 'problem') {
      const status = content.status ?? 400;
      return finish(workspace, status === 501 ? 'unsupported' : 'invalid', errorAnswer(status, route.format, content.problem), { accepted: 0, rejected: 1 });
    }
    const { operations, refused } = content;
    if (operations.length === 0) return finish(workspace, 'invalid', multiStatus(refused), { accepted: 0, rejected: refused.length });
    try {
      await enqueue.enqueueMany(operations.map(({ operation, json }) => ({ operation, json, workspace })));
    } catch (error) {
      if (codeOf(error) !== 'CIO_QUEUE_UNAVAILABLE') throw error;
      // never 200 without Redis holding it: the SDK retries a 503 after Retry-After
      const message = 'the queue is unavailable; nothing of this call was accepted, retry';
      return finish(workspace, 'redis_unavailable', errorAnswer(503, route.format, problem('unavailable', '', message), retryAfter), { accepted: 0, rejected: 0 });
    }
    const counts = { accepted: operations.length, rejected: refused.length };
    finish(workspace, refused.length > 0 ? 'partial' : 'accepted', refused.length > 0 ? multiStatus(refused) : OK, counts);
  }

  function probe(path: string, response: ServerResponse): void {
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    const ok = path === '/healthz' ? true : !draining && deps.redisReady();
    response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
  }

  return {
    server,
    drain: async (timeoutMs) => {
      draining = true;
      server.close();
      server.closeIdleConnections();
      if (metrics.inFlight === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** Starts `gateway.server` on `port` (0: a free one); resolves once listening. */
export async function listen(gateway: GatewayServer, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    gateway.server.once('error', reject);
    gateway.server.listen(port, host, () => resolve());
  });
  return (gateway.server.address() as { port: number }).port;
}
