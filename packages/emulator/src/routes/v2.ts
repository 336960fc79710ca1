/**
 * Track API v2 routes under `/api/v2/`: `entity` (one operation) and `batch` (many, answered 207
 * when some are refused while the rest are applied).
 */
import type { Answer, BatchProblem } from '../http/answers.js';
import { OK, errorAnswer, multiStatus } from '../http/answers.js';
import { TRACK_LIMITS } from '../limits.js';
import type { Problem } from '../validate/common.js';
import { isProblem, isRecord, problem } from '../validate/common.js';
import { oversizeBytes } from '../validate/operationSize.js';
import { parseV2Operation } from '../validate/v2.js';
import type { TrackRequest, TrackRoute } from './route.js';
import { applySingle } from './route.js';

const ENTITY: TrackRoute = {
  format: 'v2',
  // The limits table says "32kb or smaller", the operation itself "must be smaller than 32kb":
  // the operation's own, stricter words win. 32kb = 32,768 bytes (see KILOBYTE).
  maxBodyBytes: TRACK_LIMITS.entityRequestBytes - 1,
  oversizeStatus: 400,
  auth: 'required',
  handle: (request) => applySingle(request, parseV2Operation(request.body), 'v2'),
};

const BATCH: TrackRoute = {
  format: 'v2',
  // "/batch is limited to requests 500kb or smaller", and the operation says smaller than: the
  // stricter words again. 500kb = 512,000 bytes.
  maxBodyBytes: TRACK_LIMITS.batchRequestBytes - 1,
  oversizeStatus: 400,
  auth: 'required',
  handle: handleBatch,
};

/** The v2 route for `method` and the path segments after `/api/v2/`, or undefined. */
export function matchV2(method: string, segments: readonly string[]): TrackRoute | undefined {
  if (method !== 'POST' || segments.length !== 1) return undefined;
  if (segments[0] === 'batch') return BATCH;
  if (segments[0] === 'entity') return ENTITY;
  return undefined;
}

function handleBatch(request: TrackRequest): Answer {
  const { workspace, body, now } = request;
  const operations = isRecord(body) ? body['batch'] : undefined;
  if (!Array.isArray(operations) || operations.length === 0) {
    workspace.counters.rejectedRequests++;
    return errorAnswer(400, 'v2', problem(Array.isArray(operations) ? 'required' : 'invalid', 'batch', 'batch must be a non-empty array of operations'));
  }
  // No single operation can exceed the limit when the whole body does not.
  const measure = request.bytes > TRACK_LIMITS.operationBytes;
  const problems: BatchProblem[] = [];
  for (let index = 0; index < operations.length; index++) {
    const operation: unknown = operations[index];
    const oversize = measure ? oversizeBytes(operation, TRACK_LIMITS.operationBytes) : undefined;
    const parsed = oversize === undefined ? parseV2Operation(operation) : tooLarge(oversize);
    if (isProblem(parsed)) {
      problems.push({ batch_index: index, reason: parsed.reason, field: parsed.field, message: parsed.message });
      continue;
    }
    workspace.accept(parsed, now);
  }
  if (problems.length === 0) return OK;
  workspace.counters.rejectedOperations += problems.length;
  return multiStatus(problems);
}

function tooLarge(bytes: number): Problem {
  return problem('too_large', 'operation', `operation is ${bytes} bytes; each operation must be ${TRACK_LIMITS.operationBytes} bytes or smaller`);
}
