import { AuthenticationError, TransportError, type BatchResponse } from '@cioscale/core';
import { firstValueFrom, from, type ObservableInput } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createTrackTransport } from '../src/index.js';
import { batchOf, people, SECRET_KEY, track, useEmulator } from './helpers.js';

async function failureOf(answer: ObservableInput<unknown>): Promise<unknown> {
  try {
    await firstValueFrom(from(answer));
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to fail');
}

describe('createTrackTransport against the emulator', () => {
  const { start, transport } = useEmulator();

  it('delivers a batch with one v2 request and answers 200 without errors', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const answer = (await cio.send(batchOf([...people(3), track('p0', 'signed_up', { source: 'ads' })]))) as BatchResponse;
    expect(answer).toEqual({ status: 200, errors: [] });
    expect(emulator.stats()).toMatchObject({ requests: 1, acceptedOperations: 4, statuses: { '200': 1 } });
    expect(emulator.person('p2')).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
    expect(emulator.events({ person: 'p0' })).toMatchObject([{ name: 'signed_up', data: { source: 'ads' } }]);
  });

  it('maps a 207 body to per-operation errors by batch index', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const bad = { type: 'person', action: 'identify', identifiers: {} } as never;
    const answer = (await cio.send(batchOf([...people(2), bad]))) as BatchResponse;
    expect(answer.status).toBe(207);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]).toMatchObject({ batch_index: 2 });
    expect(emulator.stats().acceptedOperations).toBe(2);
  });

  it('accepts a URL that already ends in /api/v1 and reports a target without credentials', async () => {
    const emulator = await start();
    const cio = transport(emulator, { url: `${emulator.url}/api/v1/` });
    await cio.send(batchOf(people(1)));
    expect(emulator.stats().acceptedOperations).toBe(1);
    expect(cio.target).toBe(emulator.url);
    expect(cio.target).not.toContain(SECRET_KEY);
  });

  it('turns 401 into an AuthenticationError whose message never contains the key', async () => {
    const emulator = await start();
    const wrongKey = `${SECRET_KEY}-wrong`;
    const cio = transport(emulator, { apiKey: wrongKey });
    const error = await failureOf(cio.send(batchOf(people(1))));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'CIO_AUTH', status: 401 });
    expect(String((error as Error).message)).toContain('401');
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(SECRET_KEY);
  });

  it('turns 429 into rate_limited with the Retry-After delay', async () => {
    const emulator = await start({ faults: { force429Ms: 60_000 } });
    const error = await failureOf(transport(emulator).send(batchOf(people(1))));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect((error as TransportError).retryAfterMs).toBeGreaterThan(0);
  });

  it('turns 500 and 503 into server errors', async () => {
    const emulator = await start({ faults: { error500Rate: 1 } });
    const cio = transport(emulator);
    expect(await failureOf(cio.send(batchOf(people(1))))).toMatchObject({ kind: 'server', status: 500 });
    emulator.configure({ faults: { error500Rate: 0, error503Rate: 1 } });
    expect(await failureOf(cio.send(batchOf(people(1))))).toMatchObject({ kind: 'server', status: 503 });
  });

  it('turns a reset connection into a network error', async () => {
    const emulator = await start({ faults: { resetRate: 1 } });
    expect(await failureOf(transport(emulator).send(batchOf(people(1))))).toMatchObject({ kind: 'network' });
  });

  it('turns a request left hanging into a timeout', async () => {
    const emulator = await start({ faults: { hangRate: 1, hangMs: 5_000 } });
    expect(await failureOf(transport(emulator, { timeoutMs: 200 }).send(batchOf(people(1))))).toMatchObject({ kind: 'timeout' });
  });

  it('turns a refused connection into a network error', async () => {
    const emulator = await start();
    const url = emulator.url;
    await emulator.close();
    const cio = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url, connections: 1 });
    try {
      const error = await failureOf(cio.send(batchOf(people(1))));
      expect(error).toMatchObject({ kind: 'network' });
      expect((error as Error).message).toContain('ECONNREFUSED');
    } finally {
      await cio.close();
    }
  });

  it('turns a request over 500 KB into bad_request, as Customer.io answers it (400; the OpenAPI document declares no 413)', async () => {
    const emulator = await start();
    const big = Array.from({ length: 600 }, (_, i) => ({ type: 'person', action: 'identify', identifiers: { id: `b${i}` }, attributes: { bio: 'x'.repeat(990) } }) as never);
    const failure = await failureOf(transport(emulator).send(batchOf(big)));
    expect(failure).toMatchObject({ kind: 'bad_request', status: 400, operationErrors: [{ reason: 'too_large', field: 'body' }] });
    expect((failure as Error).message).toContain('accepts at most 511999');
  });

  it('validates its options and never echoes the key', () => {
    expect(() => createTrackTransport({ siteId: '', apiKey: SECRET_KEY })).toThrow(/siteId/);
    expect(() => createTrackTransport({ siteId: 's', apiKey: SECRET_KEY, region: 'mars' as never })).toThrow(/region/);
    expect(() => createTrackTransport({ siteId: 's', apiKey: SECRET_KEY, connections: 0 })).toThrow(/connections/);
    expect(() => createTrackTransport({ siteId: 's', apiKey: SECRET_KEY, timeoutMs: -1 })).toThrow(/timeoutMs/);
    const error = (() => {
      try {
        createTrackTransport({ siteId: 's', apiKey: SECRET_KEY, url: 'ftp://x' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/url/);
    expect(error?.message).not.toContain(SECRET_KEY);
  });

  it('targets the regional hosts when no URL is given', async () => {
    const us = createTrackTransport({ siteId: 's', apiKey: SECRET_KEY });
    const eu = createTrackTransport({ siteId: 's', apiKey: SECRET_KEY, region: 'eu' });
    expect([us.target, eu.target]).toEqual(['https://track.customer.io', 'https://track-eu.customer.io']);
    await Promise.all([us.close(), eu.close()]);
  });
});
