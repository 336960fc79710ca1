import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { batchRequestBytes, createEnvelope, identify, track, type Batch, type Envelope, type Operation } from '@cioscale/core';
import { TrackClient, type BatchOperation } from 'customerio-node';
import { afterEach, describe, expect, it } from 'vitest';
import { batchBody } from '../src/createTrackTransport.js';
import { createTrackTransport } from '../src/index.js';
import { SECRET_KEY } from './helpers.js';

/** What reached the server: one entry per request, the body as raw bytes. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A bare HTTP server that records every request and answers `status` with `answer`. */
async function recorder(status = 200, answer = '{}'): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Operations whose JSON needs escapes and multi-byte UTF-8: what a hand-made body could get wrong. */
const TRICKY: Operation[] = [
  identify('zoë', { city: 'Zürich', name: 'Ωμέγα 漢字 😀', quote: 'say "hi"', path: 'C:\\temp\\new', lines: 'a\nb\r\nc\td' }),
  identify({ email: 'a+b@example.com' }, { control: '\u0001\u001f\u007f', separators: '\u2028\u2029', lone: '\ud800', nested: { deep: [1, -0, 1e21, 0.1, null, true] } }),
  track('42', 'purchased', { total: 12.5, items: ['é', '"', '\\'] }, { timestamp: 1_700_000_000 }),
  identify('plain', {}),
];

function batchOf(operations: readonly Operation[]): Batch<number> {
  const envelopes: Envelope<number>[] = operations.map((operation, index) => createEnvelope(operation, { source: index, sourceKey: `t#${index}`, producedAt: 1_700_000_000_000 }));
  return { envelopes, bytes: batchRequestBytes(envelopes.map((envelope) => envelope.bytes)) };
}

describe('the Track transport sends what customerio-node batch() sends', () => {
  it('puts the same bytes and headers on the wire for operations with unicode and escapes', async () => {
    const server = await recorder();
    servers.push(server.server);
    const batch = batchOf(TRICKY);
    // the official client, serialising the operations itself
    const client = new TrackClient('site', SECRET_KEY, { url: `${server.url}/api/v1`, retry: { maxRetries: 0 } });
    await client.batch(batch.envelopes.map((envelope) => envelope.operation as BatchOperation));
    // the transport, sending the envelopes' JSON
    const cio = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url: server.url, connections: 1 });
    try {
      expect(await cio.send(batch)).toEqual({ status: 200, errors: [] });
    } finally {
      await cio.close();
    }

    const [byClient, byTransport] = server.received as [Received, Received];
    expect(byTransport.body.equals(byClient.body)).toBe(true);
    expect(byTransport.body.toString('utf8')).toBe(JSON.stringify({ batch: batch.envelopes.map((envelope) => envelope.operation) }));
    // the size core measured is the size sent, so the 500 KB check holds for the real body
    expect(byTransport.body.length).toBe(batch.bytes);
    expect({ method: byTransport.method, url: byTransport.url }).toEqual({ method: 'POST', url: '/api/v2/batch' });
    for (const name of ['authorization', 'content-type', 'content-length', 'user-agent']) {
      expect(byTransport.headers[name], name).toBe(byClient.headers[name]);
    }
    expect(byTransport.headers['x-retry-count']).toBeUndefined();
  });

  it('serialises an envelope that has no JSON of its own, and the two kinds mix in one body', () => {
    const batch = batchOf(TRICKY);
    const { json: _json, ...bare } = batch.envelopes[1] as Envelope<number>;
    const mixed = [batch.envelopes[0] as Envelope<number>, bare, ...batch.envelopes.slice(2)];
    expect(batchBody(mixed)).toBe(JSON.stringify({ batch: mixed.map((envelope) => envelope.operation) }));
    expect(batchBody(mixed)).toBe(batchBody(batch.envelopes));
    expect(batchBody(batch.envelopes.slice(0, 1))).toBe(JSON.stringify({ batch: [batch.envelopes[0]?.operation] }));
  });

  it('still classifies a refused request from the client\'s own error, and never shows the key', async () => {
    const server = await recorder(401, '{"meta":{"error":"Unauthorized request"}}');
    servers.push(server.server);
    const cio = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url: server.url, connections: 1 });
    try {
      const failure = await Promise.resolve(cio.send(batchOf(TRICKY.slice(0, 1)))).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure).toMatchObject({ code: 'CIO_AUTH', status: 401 });
      expect(JSON.stringify({ message: failure?.message, stack: failure?.stack })).not.toContain(SECRET_KEY);
    } finally {
      await cio.close();
    }
    expect(server.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`site:${SECRET_KEY}`).toString('base64')}`);
  });
});
