/**
 * What a Track API route is, and the step every single-operation route shares.
 */
import type { Command } from '../commands.js';
import type { Answer, ErrorFormat } from '../http/answers.js';
import { OK, errorAnswer } from '../http/answers.js';
import type { Problem } from '../validate/common.js';
import { isProblem } from '../validate/common.js';
import type { Workspace } from '../workspace.js';

/** A parsed request, ready for its route. */
export interface TrackRequest {
  readonly workspace: Workspace;
  /** The parsed JSON body; `undefined` when the body was empty. */
  readonly body: unknown;
  /** The body's size in bytes. */
  readonly bytes: number;
  /** Unix milliseconds when the request was received. */
  readonly now: number;
  /** The request's `Content-Type` header, for the one route that requires it (`/unsubscribe`). */
  readonly contentType: string | undefined;
}

/** One matched Track API route. */
export interface TrackRoute {
  /** The error body format of this endpoint. */
  readonly format: ErrorFormat;
  /** The largest body accepted, in bytes; larger is answered {@link TrackRoute.oversizeStatus}. */
  readonly maxBodyBytes: number;
  /**
   * The status of a body over {@link TrackRoute.maxBodyBytes}. Decision: 400 on v2, because the
   * OpenAPI document declares 200/400/401 for `/entity` and 200/207/400/401 for `/batch` and never
   * 413, and its 400 is the shape a size refusal takes there (`errors[{reason, field, message}]`).
   * 413 only for the emulator's own v1 guard, which stands for no Customer.io limit at all.
   */
  readonly oversizeStatus: 400 | 413;
  /**
   * `required`: Basic auth or 401. `optional`: the endpoints whose operation has `security: []`
   * (metrics, push events, unsubscribe) answer without it; a valid header picks the workspace,
   * anything else goes to the first one.
   */
  readonly auth: 'required' | 'optional';
  /** Applies the request to the workspace and says what to answer. */
  handle(request: TrackRequest): Answer;
}

/**
 * Applies a single parsed operation: 200 and a ledger change, or 400 with the problem in `format`.
 */
export function applySingle(request: TrackRequest, parsed: Command | Problem, format: ErrorFormat, success: Answer = OK): Answer {
  const { workspace } = request;
  if (isProblem(parsed)) {
    workspace.counters.rejectedOperations++;
    return errorAnswer(400, format, parsed);
  }
  workspace.accept(parsed, request.now);
  return success;
}

/** The body a v1 parser gets: an empty body reads as `{}`, but a JSON `null` stays null and is refused. */
export function bodyOrEmpty(request: TrackRequest): unknown {
  return request.body === undefined ? {} : request.body;
}

/** A route that answers 400 whatever is sent, e.g. for a path that cannot be decoded. */
export function badRequestRoute(format: ErrorFormat, problem: Problem, maxBodyBytes: number): TrackRoute {
  return {
    format,
    maxBodyBytes,
    oversizeStatus: format === 'v2' ? 400 : 413,
    auth: 'required',
    handle: ({ workspace }) => {
      workspace.counters.rejectedRequests++;
      return errorAnswer(400, format, problem);
    },
  };
}
