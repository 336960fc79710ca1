import { AuthenticationError, ServerError, type TransportError } from '@cioscale/core';
import { CustomerIORequestError } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/index.js';

function answered(status: number, body: unknown = {}, headers: Record<string, string> = {}): CustomerIORequestError {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new CustomerIORequestError(typeof body === 'string' ? {} : (body as Record<string, unknown>), status, { statusCode: status, headers, ok: false } as never, text);
}

describe('classifyError', () => {
  it('maps 401 and 403 to AuthenticationError', () => {
    for (const status of [401, 403]) {
      const error = classifyError(answered(status));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status, code: 'CIO_AUTH' });
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(classifyError(answered(429, {}, { 'retry-after': '3' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(classifyError(answered(429, {}, { 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' }), now)).toMatchObject({ retryAfterMs: 2000 });
    expect(classifyError(answered(429))).toMatchObject({ kind: 'rate_limited', retryAfterMs: undefined });
  });

  it('maps 408 and 5xx to server, 413 to too_large, other statuses to unexpected', () => {
    expect(classifyError(answered(408))).toMatchObject({ kind: 'server', status: 408 });
    expect(classifyError(answered(502))).toMatchObject({ kind: 'server', status: 502 });
    expect(classifyError(answered(413))).toMatchObject({ kind: 'too_large', status: 413 });
    expect(classifyError(answered(404))).toMatchObject({ kind: 'unexpected', status: 404 });
  });

  it('keeps the per-operation errors of a v2 400 body and the messages of a v1 body', () => {
    const v2 = classifyError(answered(400, { errors: [{ batch_index: 1, reason: 'invalid', field: 'identifiers', message: 'identifiers is required' }] }));
    expect(v2).toMatchObject({ kind: 'bad_request', operationErrors: [{ batch_index: 1, reason: 'invalid', field: 'identifiers' }] });
    expect(v2.message).toContain('identifiers is required');
    const v1 = classifyError(answered(400, { meta: { errors: ['name is required'] } })) as TransportError;
    expect(v1.operationErrors).toEqual([{ message: 'name is required' }]);
  });

  it('maps timeouts, aborts, network failures and non-JSON answers', () => {
    expect(classifyError(new DOMException('timed out', 'TimeoutError'))).toMatchObject({ kind: 'timeout' });
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toMatchObject({ kind: 'timeout' });
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(classifyError(reset)).toMatchObject({ kind: 'network' });
    const dns = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    expect(classifyError(dns).message).toContain('ENOTFOUND');
    expect(classifyError(new Error('Unable to parse JSON. Error: x \nBody:\n <html>'))).toMatchObject({ kind: 'server' });
    expect(classifyError(new RangeError('boom'))).toMatchObject({ kind: 'unexpected' });
  });

  it('passes classified errors through unchanged', () => {
    const error = new ServerError('x', { status: 500 });
    expect(classifyError(error)).toBe(error);
  });

  it('passes through, by code, the errors of another copy of @cioscale/core', () => {
    // another copy's classes are not this copy's: only the code can tell they are classified already
    const foreignAuth = Object.assign(new Error('refused'), { code: 'CIO_AUTH', status: 401 });
    const foreign429 = Object.assign(new Error('slow down'), { code: 'CIO_TRANSPORT_RATE_LIMITED', retryAfterMs: 10 });
    expect(classifyError(foreignAuth)).toBe(foreignAuth);
    expect(classifyError(foreign429)).toBe(foreign429);
  });
});
