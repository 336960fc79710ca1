/**
 * Sends requests a script recorded under the stubs to a real emulator, so the tests check that
 * what the scripts send is a Track API request Customer.io's rules accept.
 */
import type { RecordedRequest } from './k6/http.ts';

export interface Replayed {
  readonly status: number;
  readonly body: string;
}

/** Replays `requests` in order against `baseUrl` (the origin they were recorded for is replaced). */
export async function replay(requests: readonly RecordedRequest[], recordedOrigin: string, baseUrl: string): Promise<Replayed[]> {
  const answers: Replayed[] = [];
  for (const request of requests) {
    const url = baseUrl + request.url.slice(recordedOrigin.length);
    const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body });
    answers.push({ status: response.status, body: await response.text() });
  }
  return answers;
}
