import { describe, expect, it } from 'vitest';
import { readCustomerioEnv } from '../src/index.js';
import { ConfigurationError } from '@cioscale/core';
import { SECRET_KEY } from './helpers.js';

describe('readCustomerioEnv', () => {
  it('reads every variable and leaves unset or empty ones out', () => {
    expect(
      readCustomerioEnv({ CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: SECRET_KEY, CUSTOMERIO_REGION: 'EU', CIO_TRACK_URL: 'http://127.0.0.1:4100', CIO_RATE_LIMIT: '50' }),
    ).toEqual({ siteId: 'site', apiKey: SECRET_KEY, region: 'eu', trackUrl: 'http://127.0.0.1:4100', rateLimit: 50 });
    expect(readCustomerioEnv({ CUSTOMERIO_SITE_ID: '  ', CUSTOMERIO_REGION: '' })).toEqual({});
  });

  it('names the variable of a bad value', () => {
    expect(() => readCustomerioEnv({ CUSTOMERIO_REGION: 'mars' })).toThrow(/CUSTOMERIO_REGION/);
    expect(() => readCustomerioEnv({ CIO_RATE_LIMIT: 'fast' })).toThrow(/CIO_RATE_LIMIT/);
    expect(() => readCustomerioEnv({ CIO_RATE_LIMIT: '0' })).toThrow(ConfigurationError);
    expect(() => readCustomerioEnv({ CIO_TRACK_URL: 'not a url' })).toThrow(/CIO_TRACK_URL/);
  });

  it('never echoes a key or credentials in a URL', () => {
    const messages: string[] = [];
    for (const env of [{ CUSTOMERIO_TRACK_API_KEY: `${SECRET_KEY} x` }, { CIO_TRACK_URL: `http://site:${SECRET_KEY}@127.0.0.1:1` }]) {
      try {
        readCustomerioEnv(env);
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toContain(SECRET_KEY);
  });
});
