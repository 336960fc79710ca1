/**
 * The gateway's answers in Customer.io's Track API shapes (docs/reference/customerio-api.md): 200 `{}`,
 * 400 v1 `{"meta":{"errors":[…]}}` (merge: `{"meta":{"error":…}}`), 400 v2 `{"errors":[{reason, field, message}]}`,
 * 207 `{"errors":[{batch_index, reason, field, message}]}`.
 */
import type { ServerResponse } from 'node:http';

/** Which error body an endpoint answers with. */
export type ErrorFormat = 'v1' | 'v1-merge' | 'v2';

/** Why a call was refused: the label of `cioscale_gateway_requests_total` and of the monitor's line. */
export type RefusalReason = 'unauthorized' | 'invalid' | 'too_large' | 'malformed' | 'not_found' | 'backlog' | 'drain_eta' | 'redis_unavailable' | 'unsupported' | 'draining' | 'aborted' | 'internal';

/** One problem with a call or with one operation of it. */
export interface Problem {
  readonly reason: string;
  readonly field: string;
  readonly message: string;
}

/** A problem with one operation of a batch. */
export interface BatchProblem extends Problem {
  readonly batch_index: number;
}

/** A response to write. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** 200 with `{}`: every Track API success. */
export const OK: Answer = { status: 200, body: '{}' };

/** An error answer in `format` with one problem. */
export function errorAnswer(status: number, format: ErrorFormat, problem: Problem, headers?: Record<string, string>): Answer {
  let body: unknown;
  if (format === 'v2') body = { errors: [{ reason: problem.reason, field: problem.field, message: problem.message }] };
  else if (format === 'v1-merge') body = { meta: { error: problem.message } };
  else body = { meta: { errors: [problem.message] } };
  return { status, body: JSON.stringify(body), ...(headers && { headers }) };
}

/** 207: some operations of a batch were refused; the others were accepted. */
export function multiStatus(problems: readonly BatchProblem[]): Answer {
  return { status: 207, body: JSON.stringify({ errors: problems }) };
}

/** Customer.io's own 401 sentence (the OpenAPI document's description of the 401 response). */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized request. Make sure that you provided the right credentials.';

const CONTENT_TYPE = 'application/json; charset=utf-8';

// the answer to nearly every call, its headers built once (node:http only reads the array)
const OK_HEADERS: readonly string[] = ['content-type', CONTENT_TYPE, 'content-length', String(Buffer.byteLength(OK.body))];

/** Writes `answer`; `close` asks the client to open a new connection for its next request. */
export function writeAnswer(response: ServerResponse, answer: Answer, close = false): void {
  if (answer === OK && !close) {
    response.writeHead(200, OK_HEADERS as string[]);
    response.end(OK.body);
    return;
  }
  const headers: string[] = ['content-type', CONTENT_TYPE, 'content-length', String(Buffer.byteLength(answer.body))];
  if (answer.headers) for (const name in answer.headers) headers.push(name, answer.headers[name] as string);
  if (close) headers.push('connection', 'close');
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}
