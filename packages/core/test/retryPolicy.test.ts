import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigurationError } from '../src/errors.js';
import { transportError } from '../src/transportErrors.js';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, isRetryableError, normalizeRetryPolicy } from '../src/retryPolicy.js';

describe('retry policy', () => {
  it('has its defaults in one place', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 30_000, maxElapsedMs: 300_000 });
    expect(DEFAULT_RETRY_POLICY.random).toBe(Math.random);
    expect(DEFAULT_RETRY_POLICY.isRetryable).toBe(isRetryableError);
    expect(DEFAULT_RETRY_POLICY.scheduler).toBe(asyncScheduler);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  it('fills in defaults, ignoring options explicitly set to undefined', () => {
    const policy = normalizeRetryPolicy({ maxAttempts: 3, baseDelayMs: undefined });
    expect(policy).toMatchObject({ maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 30_000 });
  });

  it.each([
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 2.5 }, 'maxAttempts'],
    [{ baseDelayMs: -1 }, 'baseDelayMs'],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, 'maxDelayMs'],
    [{ maxElapsedMs: Number.NaN }, 'maxElapsedMs'],
    [{ random: 0.5 as unknown as () => number }, 'random'],
  ])('rejects %o naming %s', (options, name) => {
    expect(() => normalizeRetryPolicy(options)).toThrow(ConfigurationError);
    expect(() => normalizeRetryPolicy(options)).toThrow(`option "${name}"`);
  });

  it('retries only what another attempt may cure', () => {
    const kinds = ['rate_limited', 'server', 'timeout', 'network', 'bad_request', 'too_large', 'unexpected'] as const;
    expect(Object.fromEntries(kinds.map((kind) => [kind, isRetryableError(transportError(kind, kind))]))).toEqual({
      rate_limited: true,
      server: true,
      timeout: true,
      network: true,
      bad_request: false,
      too_large: false,
      unexpected: false,
    });
    expect(isRetryableError(new AuthenticationError('refused', { status: 401 }))).toBe(false);
    expect(isRetryableError(new Error('ECONNRESET'))).toBe(false);
    expect(isRetryableError('429')).toBe(false);
  });

  it('computes full jitter over an exponential ceiling with a cap', () => {
    const error = transportError('server', '503', { status: 503 });
    const policy = normalizeRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 });
    expect([1, 2, 3, 4, 5, 6, 60].map((attempt) => backoffDelayMs(attempt, policy, error))).toEqual([50, 100, 200, 400, 500, 500, 500]);
    const nearOne = normalizeRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.9999 });
    expect(backoffDelayMs(10, nearOne, error)).toBe(999);
    expect(backoffDelayMs(10, normalizeRetryPolicy({ random: () => 0 }), error)).toBe(0);
  });

  it('never waits less than the Retry-After, even above the cap', () => {
    const policy = normalizeRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 });
    expect(backoffDelayMs(1, policy, transportError('rate_limited', '429', { retryAfterMs: 5000 }))).toBe(5000);
    expect(backoffDelayMs(3, policy, transportError('rate_limited', '429', { retryAfterMs: 30 }))).toBe(200);
  });
});
