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
const answers: Answer[] = [];

/** Queues the answers of the next requests, in order. */
export function answerNext(...next: Answer[]): void {
  answers.push(...next);
}

function request(method: string, url: string, body: string | null, params: Params = {}) {
  recorded.push({ method, url, body: body ?? '', headers: { ...params.headers }, tags: { ...params.tags } });
  const answer = answers.shift() ?? { status: 200, body: '{}' };
  return { status: answer.status, body: answer.body ?? '{}', timings: { duration: 12 } };
}

export default {
  request,
  put: (url: string, body: string | null, params?: Params) => request('PUT', url, body, params),
  post: (url: string, body: string | null, params?: Params) => request('POST', url, body, params),
};
