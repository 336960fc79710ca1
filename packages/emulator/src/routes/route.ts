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
}

/** One matched Track API route. */
export interface TrackRoute {
  /** The error body format of this endpoint. */
  readonly format: ErrorFormat;
  /** The largest body accepted, in bytes; larger answers 413. */
  readonly maxBodyBytes: number;
  /** Applies the request to the workspace and says what to answer. */
  handle(request: TrackRequest): Answer;
}

/**
 * Applies a single parsed operation: 200 and a ledger change, or 400 with the problem in `format`.
 */
export function applySingle(request: TrackRequest, parsed: Command | Problem, format: ErrorFormat): Answer {
  const { workspace } = request;
  if (isProblem(parsed)) {
    workspace.counters.rejectedOperations++;
    return errorAnswer(400, format, parsed);
  }
  workspace.countOperation(parsed.action, workspace.ledger.apply(parsed, request.now));
  return OK;
}

/** A route that answers 400 whatever is sent, e.g. for a path that cannot be decoded. */
export function badRequestRoute(format: ErrorFormat, problem: Problem, maxBodyBytes: number): TrackRoute {
  return {
    format,
    maxBodyBytes,
    handle: ({ workspace }) => {
      workspace.counters.rejectedRequests++;
      return errorAnswer(400, format, problem);
    },
  };
}
