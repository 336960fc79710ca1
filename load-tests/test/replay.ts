/**
 * Sends requests a script recorded under the stubs to a real emulator, so the tests check that
 * what the scripts send is a Track API request Customer.io's rules accept.
 */
import type { RecordedRequest } from './k6/http.ts';

export interface Replayed {
  readonly status: number;
  readonly body: string;
}

/**
 * Replays `requests` against `baseUrl` (the origin they were recorded for is replaced), answers in
 * request order. `concurrency` > 1 sends that many at a time (order between them is then not kept).
 * A request nobody answers (no listener) gets status 0, as k6 reports it.
 */
export async function replay(requests: readonly RecordedRequest[], recordedOrigin: string, baseUrl: string, concurrency = 1): Promise<Replayed[]> {
  const answers: Replayed[] = new Array<Replayed>(requests.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index] as RecordedRequest;
      const url = baseUrl + request.url.slice(recordedOrigin.length);
      try {
        const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body });
        answers[index] = { status: response.status, body: await response.text() };
      } catch {
        answers[index] = { status: 0, body: '' };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return answers;
}
