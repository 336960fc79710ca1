import { codeOf } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../src/config.js';

const base = { REDIS_URL: 'redis://127.0.0.1:6399', CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: 'secret-key' };

function failure(env: Record<string, string>): Error & { setting?: string } {
  try {
    readGatewayConfig(env);
  } catch (error) {
    expect(codeOf(error)).toBe('CIO_CONFIG');
    return error as Error & { setting?: string };
  }
  throw new Error('expected a configuration error');
}

describe('readGatewayConfig', () => {
  it('refuses to start without credentials to check callers against (never an open relay)', () => {
    expect(failure({ REDIS_URL: base.REDIS_URL, CUSTOMERIO_SITE_ID: 'site' }).setting).toBe('CUSTOMERIO_TRACK_API_KEY');
    expect(failure({ REDIS_URL: base.REDIS_URL, CUSTOMERIO_TRACK_API_KEY: 'k' }).setting).toBe('CUSTOMERIO_SITE_ID');
  });

  it('names the variable of a bad limit and never echoes the API key', () => {
    const error = failure({ ...base, GATEWAY_MAX_BACKLOG: 'lots' });
    expect(error.message).toBe('GATEWAY_MAX_BACKLOG must be an integer ≥ 1; received "lots"');
    expect(failure({ ...base, GATEWAY_DRAIN_TIMEOUT_MS: '60000' }).message).toContain('from 0 to 25000');
    expect(JSON.stringify(failure({ ...base, CUSTOMERIO_SITE_ID: 'a:b' }))).not.toContain('secret-key');
  });

  it('names the variable of a bad drain-ETA setting', () => {
    expect(failure({ ...base, GATEWAY_MAX_DRAIN_SECONDS: '-1' }).setting).toBe('GATEWAY_MAX_DRAIN_SECONDS');
    expect(failure({ ...base, GATEWAY_MAX_DRAIN_SECONDS: '10m' }).message).toBe('GATEWAY_MAX_DRAIN_SECONDS must be an integer from 0 to 604800; received "10m"');
    expect(failure({ ...base, GATEWAY_DRAIN_MIN_BACKLOG: '0' }).setting).toBe('GATEWAY_DRAIN_MIN_BACKLOG');
    // a window of one reading holds no rate
    expect(failure({ ...base, GATEWAY_DRAIN_WINDOW_MS: '1500' }).message).toBe(
      'GATEWAY_DRAIN_WINDOW_MS must be an integer ≥ 2000 (two worker reports, a second apart, and 2 × GATEWAY_BACKLOG_REFRESH_MS); received "1500"',
    );
    expect(failure({ ...base, GATEWAY_BACKLOG_REFRESH_MS: '5000', GATEWAY_DRAIN_WINDOW_MS: '9000' }).message).toContain('≥ 10000');
    expect(failure({ ...base, GATEWAY_RETRY_AFTER_SECONDS: '30', GATEWAY_MAX_RETRY_AFTER_SECONDS: '10' }).setting).toBe('GATEWAY_MAX_RETRY_AFTER_SECONDS');
  });

  it('reads the drain-ETA limit, off unless GATEWAY_MAX_DRAIN_SECONDS is set', () => {
    expect(readGatewayConfig(base)).toMatchObject({ maxDrainSeconds: 0, drainMinBacklog: 1_000, drainWindowMs: 10_000, maxRetryAfterSeconds: 60 });
    expect(readGatewayConfig({ ...base, GATEWAY_MAX_DRAIN_SECONDS: '600', GATEWAY_DRAIN_MIN_BACKLOG: '50', GATEWAY_BACKLOG_REFRESH_MS: '200', GATEWAY_DRAIN_WINDOW_MS: '3000' })).toMatchObject({
      maxDrainSeconds: 600,
      drainMinBacklog: 50,
      drainWindowMs: 3_000,
    });
  });

  it('reads the defaults', () => {
    const config = readGatewayConfig(base);
    expect(config).toMatchObject({ port: 8080, namespace: 'cio', maxBacklog: 100_000, retryAfterSeconds: 5, maxJsonDepth: 32, drainTimeoutMs: 10_000 });
    expect(config.workspaces).toEqual([expect.objectContaining({ siteId: 'site', apiKey: 'secret-key', workspace: expect.objectContaining({ name: 'default' }) })]);
  });
});
