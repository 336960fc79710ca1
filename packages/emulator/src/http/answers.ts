/**
 * The answers of the Track API in Customer.io's documented shapes: 200 `{}`, 207 and 400 in the v2
 * `errors` format, 400 in the v1 `meta.errors` (or, for merge, `meta.error`) format.
 */
import type { ServerResponse } from 'node:http';
import type { OperationProblem } from '../commands.js';

/** A response to write: status, JSON text, extra headers. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Which error body format a route uses. */
export type ErrorFormat = 'v1' | 'v1-merge' | 'v2';

/** 200 with `{}`: every Track API success. */
export const OK: Answer = { status: 200, body: '{}' };

/** One entry of a 207 body. */
export interface BatchProblem extends OperationProblem {
  readonly batch_index: number;
}

/** An error answer in the route's format, with one message (and, for v2, a reason and field). */
export function errorAnswer(status: number, format: ErrorFormat, problem: OperationProblem, headers?: Record<string, string>): Answer {
  let body: unknown;
  if (format === 'v2') body = { errors: [{ reason: problem.reason, field: problem.field, message: problem.message }] };
  else if (format === 'v1-merge') body = { meta: { error: problem.message } };
  else body = { meta: { errors: [problem.message] } };
  return headers === undefined ? { status, body: JSON.stringify(body) } : { status, body: JSON.stringify(body), headers };
}

/** 207: some operations of a batch were refused, the others applied. */
export function multiStatus(problems: readonly BatchProblem[]): Answer {
  return { status: 207, body: JSON.stringify({ errors: problems }) };
}

const CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes an answer. `close` asks the client to open a new connection for its next request. */
export function writeAnswer(response: ServerResponse, answer: Answer, close = false): void {
  // A flat [name, value, …] list is the cheapest form for node:http to serialise; this runs
  // once per request.
  // A 204 carries neither a body nor the headers that describe one (RFC 9110 §8.6).
  const headers: string[] = answer.status === 204 ? [] : ['content-type', CONTENT_TYPE, 'content-length', String(Buffer.byteLength(answer.body))];
  if (answer.headers !== undefined) for (const name in answer.headers) headers.push(name, answer.headers[name] as string);
  if (close) headers.push('connection', 'close');
  response.writeHead(answer.status, headers);
  response.end(answer.status === 204 ? undefined : answer.body);
}
