/**
 * Stand-in for `k6/http` under Node: records each request and answers it at once with the status
 * the test queued (200 by default). k6's HTTP calls are synchronous, which Node cannot be against a
 * server in the same process, so the tests replay the recorded requests against the emulator instead.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
}

interface Params {
  readonly headers?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

interface Answer {
  readonly status: number;
  readonly body?: string;
}

export const recorded: RecordedRequest[] = [];
/** The status each request was answered with, in order (what k6's built-in `http_req_failed` is fed from). */
export const statuses: number[] = [];
const answers: Answer[] = [];
let answerer: ((request: RecordedRequest) => Answer) | undefined;

/** Queues the answers of the next requests, in order. */
export function answerNext(...next: Answer[]): void {
  answers.push(...next);
}

/** Answers every request not queued with `answer` (e.g. a dead target: status 0, as k6 reports a refused connection). */
export function answerWith(answer: (request: RecordedRequest) => Answer): void {
  answerer = answer;
}

function request(method: string, url: string, body: string | null, params: Params = {}) {
  const sent = { method, url, body: body ?? '', headers: { ...params.headers }, tags: { ...params.tags } };
  recorded.push(sent);
  const answer = answers.shift() ?? answerer?.(sent) ?? { status: 200, body: '{}' };
  statuses.push(answer.status);
  return { status: answer.status, body: answer.body ?? '{}', timings: { duration: answer.status === 0 ? 0 : 12 } };
}

export default {
  request,
  put: (url: string, body: string | null, params?: Params) => request('PUT', url, body, params),
  post: (url: string, body: string | null, params?: Params) => request('POST', url, body, params),
};
