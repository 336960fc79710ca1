import { addDevice, createEnvelope, deletePerson, identify, merge, track, unsuppress, type Operation } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { classifyPipelinesStatus, createPipelinesTransport, pipelinesUrl, readCustomerioEnv, toPipelinesEntry } from '../src/index.js';
import { WRITE_KEY } from './pipelinesHelpers.js';

const envelope = (operation: Operation) => createEnvelope(operation, { source: 0, sourceKey: 'row#1', producedAt: 1_700_000_000_000 });

describe('toPipelinesEntry', () => {
  it('sends the envelope id as messageId and unix seconds as ISO-8601 with milliseconds', () => {
    const sent = envelope(track('42', 'clicked', { n: 1 }, { timestamp: 1_700_000_100 }));
    expect(toPipelinesEntry(sent)).toEqual({ type: 'track', userId: '42', messageId: sent.id, timestamp: '2023-11-14T22:15:00.000Z', event: 'clicked', properties: { n: 1 } });
  });

  it('turns deletes, unsuppressions, devices and merges into semantic events and alias', () => {
    expect(toPipelinesEntry(envelope(deletePerson({ email: 'a@b.co' })))).toMatchObject({ type: 'track', userId: 'a@b.co', event: 'User Deleted' });
    expect(toPipelinesEntry(envelope(unsuppress('7')))).toMatchObject({ type: 'track', userId: '7', event: 'User Unsuppressed' });
    expect(toPipelinesEntry(envelope(addDevice('7', 'tok', 'ios', { lastUsed: 1_700_000_000 })))).toMatchObject({
      event: 'Device Created or Updated',
      context: { device: { token: 'tok', type: 'ios' } },
      timestamp: '2023-11-14T22:13:20.000Z',
    });
    expect(toPipelinesEntry(envelope(merge('1', { cio_id: 'abc' })))).toMatchObject({ type: 'alias', userId: '1', previousId: 'cio_abc' });
  });

  it('refuses, with the field, what has no single Pipelines call', () => {
    expect(toPipelinesEntry(envelope({ ...identify('1'), cio_relationships: [{ identifiers: { object_type_id: '1', object_id: 'a' } }] }))).toMatchObject({
      reason: 'pipelines_unsupported',
      field: 'cio_relationships',
    });
    expect(toPipelinesEntry(envelope(identify({ phone: '+15555550100' })))).toMatchObject({ reason: 'pipelines_unsupported', field: 'identifiers.phone' });
  });
});

describe('Pipelines configuration', () => {
  it('reads CIO_API, the write key and CIO_PIPELINES_URL from the environment', () => {
    expect(readCustomerioEnv({ CIO_API: 'Pipelines', CUSTOMERIO_PIPELINES_WRITE_KEY: WRITE_KEY, CIO_PIPELINES_URL: 'http://127.0.0.1:4200' })).toEqual({
      api: 'pipelines',
      pipelinesWriteKey: WRITE_KEY,
      pipelinesUrl: 'http://127.0.0.1:4200',
    });
  });

  it('names the variable at fault and never echoes the key', () => {
    expect(() => readCustomerioEnv({ CIO_API: 'cdp' })).toThrow(/CIO_API.*"track" or "pipelines"/);
    // without a write key the caller decides: the importer uses its embedded emulator, the worker refuses to start
    expect(readCustomerioEnv({ CIO_API: 'pipelines' })).toEqual({ api: 'pipelines' });
    expect(() => readCustomerioEnv({ CIO_PIPELINES_URL: 'ftp://x' })).toThrow(/CIO_PIPELINES_URL/);
    for (const env of [{ CUSTOMERIO_PIPELINES_WRITE_KEY: `${WRITE_KEY} x` }, { CIO_PIPELINES_URL: `http://${WRITE_KEY}:@127.0.0.1:1` }]) {
      let message = '';
      try {
        readCustomerioEnv(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/CUSTOMERIO_PIPELINES_WRITE_KEY|CIO_PIPELINES_URL/);
      expect(message).not.toContain('SECRET');
    }
    expect(() => createPipelinesTransport({ writeKey: '' })).toThrow(/writeKey/);
    expect(() => createPipelinesTransport({ writeKey: WRITE_KEY, url: 'ftp://127.0.0.1' })).toThrow(/url/);
    expect(() => createPipelinesTransport({ writeKey: WRITE_KEY, url: `http://${WRITE_KEY}@127.0.0.1:1` })).toThrow(/"url" must be a URL without credentials/);
    let message = '';
    try {
      createPipelinesTransport({ writeKey: WRITE_KEY, url: `http://${WRITE_KEY}@127.0.0.1:1` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('SECRET');
  });

  it('targets the regional hosts when no URL is given', async () => {
    expect(pipelinesUrl('us')).toBe('https://cdp.customer.io');
    expect(pipelinesUrl('eu', undefined)).toBe('https://cdp-eu.customer.io');
    expect(pipelinesUrl('us', 'http://127.0.0.1:4200/v1/')).toBe('http://127.0.0.1:4200');
    const cio = createPipelinesTransport({ writeKey: WRITE_KEY, region: 'eu' });
    expect(cio.target).toBe('https://cdp-eu.customer.io');
    await cio.close();
  });
});

describe('classifyPipelinesStatus', () => {
  it('classifies 400/401/403/413/429/5xx into the core classes the retry policy and isolation decide by', () => {
    expect(classifyPipelinesStatus(400, '{"error":{"message":"traits.bio too long"}}')).toMatchObject({ code: 'CIO_TRANSPORT_BAD_REQUEST', message: expect.stringContaining('traits.bio too long') });
    expect(classifyPipelinesStatus(401, '')).toMatchObject({ code: 'CIO_AUTH', status: 401 });
    expect(classifyPipelinesStatus(403, '')).toMatchObject({ code: 'CIO_AUTH', status: 403 });
    expect(classifyPipelinesStatus(413, '')).toMatchObject({ code: 'CIO_TRANSPORT_TOO_LARGE' });
    expect(classifyPipelinesStatus(429, '', '2')).toMatchObject({ code: 'CIO_TRANSPORT_RATE_LIMITED', retryAfterMs: 2000 });
    expect(classifyPipelinesStatus(503, '<html>')).toMatchObject({ code: 'CIO_TRANSPORT_SERVER' });
    expect(classifyPipelinesStatus(418, '')).toMatchObject({ code: 'CIO_TRANSPORT_UNEXPECTED' });
  });
});
