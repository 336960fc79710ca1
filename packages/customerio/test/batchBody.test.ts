import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { batchRequestBytes, createEnvelope, identify, track, type Batch, type Envelope, type Operation } from '@cioscale/core';
import { TrackClient, type BatchOperation } from 'customerio-node';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchBodyChunks, BODY_CHUNK_BYTES } from '../src/batchBodyChunks.js';
import { createTrackTransport } from '../src/index.js';
import { SECRET_KEY } from './helpers.js';

/** What reached the server: one entry per request, the body as raw bytes. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** How the recorder answers the `n`th request (0-based), once it has read the whole body. */
type Answer = (n: number, response: ServerResponse, url: string) => void;

/** A bare HTTP server that records every request and answers `status` with `answer` (or as `answerOf` says). */
async function recorder(status = 200, answer = '{}', answerOf?: Answer): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      if (answerOf) answerOf(received.length - 1, response, url);
      else response.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  let url = '';
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, server };
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

/** Many operations of mixed widths: a body of several chunks, with multi-byte characters across chunk edges. */
function manyOperations(count: number): Operation[] {
  return Array.from({ length: count }, (_, i) => identify(`user-${i}`, { note: 'ü€😀'.repeat(i % 40), plan: i % 3 === 0 ? 'pro' : 'free', seats: i }));
}

function batchOf(operations: readonly Operation[]): Batch<number> {
  const envelopes: Envelope<number>[] = operations.map((operation, index) => createEnvelope(operation, { source: index, sourceKey: `t#${index}`, producedAt: 1_700_000_000_000 }));
  return { envelopes, bytes: batchRequestBytes(envelopes.map((envelope) => envelope.bytes)) };
}

describe('the Track transport sends what customerio-node batch() sends', () => {
  for (const [what, operations] of [
    ['operations with unicode and escapes', TRICKY],
    ['a body of many chunks, multi-byte characters across their edges', manyOperations(3000)],
  ] as const) {
    it(`puts the same bytes and headers on the wire as batch(), for ${what}`, async () => {
      const server = await recorder();
      servers.push(server.server);
      const batch = batchOf(operations);
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
      for (const name of ['authorization', 'content-type', 'content-length', 'user-agent', 'transfer-encoding']) {
        expect(byTransport.headers[name], name).toBe(byClient.headers[name]);
      }
      // a Content-Length, never chunked, as batch() sends it
      expect(byTransport.headers['transfer-encoding']).toBeUndefined();
      expect(byTransport.headers['x-retry-count']).toBeUndefined();
    });
  }

  it('sends the same body again where a 307 redirect points (the body is read once per attempt)', async () => {
    const server = await recorder(200, '{}', (n, response, url) => {
      if (n === 0) response.writeHead(307, { location: `${url}/api/v2/batch-moved` }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    servers.push(server.server);
    const batch = batchOf(manyOperations(1500));
    const cio = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url: server.url, connections: 1 });
    try {
      expect(await cio.send(batch)).toEqual({ status: 200, errors: [] });
    } finally {
      await cio.close();
    }
    const expected = Buffer.from(JSON.stringify({ batch: batch.envelopes.map((envelope) => envelope.operation) }));
    expect(server.received.map((r) => r.url)).toEqual(['/api/v2/batch', '/api/v2/batch-moved']);
    for (const received of server.received) expect(received.body.equals(expected)).toBe(true);
  });

  it('after a connection cut mid-body and after a timeout, sending the batch again puts the whole body on the wire', async () => {
    const batch = batchOf(manyOperations(3000));
    const expected = Buffer.from(JSON.stringify({ batch: batch.envelopes.map((envelope) => envelope.operation) }));
    let attempt = 0;
    const bodies: Buffer[] = [];
    const server = createServer((request, response) => {
      attempt += 1;
      const chunks: Buffer[] = [];
      let seen = 0;
      request.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        seen += chunk.length;
        // the first attempt: the connection is cut once part of the body has arrived
        if (attempt === 1 && seen > 100_000) request.socket.destroy();
      });
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        // the second: the whole body arrives, but no answer comes before the transport's timeout
        if (attempt === 2) return;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const cio = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: 1, timeoutMs: 3_000 });
    try {
      const outcomes: unknown[] = [];
      for (let i = 0; i < 3; i++) outcomes.push(await Promise.resolve(cio.send(batch)).then((answer) => answer, (error: unknown) => ({ code: (error as { code?: string }).code })));
      expect(outcomes[0]).toMatchObject({ code: 'CIO_TRANSPORT_NETWORK' });
      expect(outcomes[1]).toMatchObject({ code: 'CIO_TRANSPORT_TIMEOUT' });
      expect(outcomes[2]).toEqual({ status: 200, errors: [] });
    } finally {
      await cio.close();
      server.closeAllConnections();
    }
    // the cut attempt never completed a body; the timed-out one and the last each carried all of it, unchanged
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body.equals(expected)).toBe(true);
  });

  it('serialises an envelope that has no JSON of its own, and the two kinds mix in one body', async () => {
    const batch = batchOf(TRICKY);
    const { json: _json, ...bare } = batch.envelopes[1] as Envelope<number>;
    const mixed = [batch.envelopes[0] as Envelope<number>, bare, ...batch.envelopes.slice(2)];
    const text = async (envelopes: readonly Envelope[]): Promise<string> => {
      const body = new BatchBodyChunks(envelopes);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      expect(bytes.length).toBe(body.byteLength);
      return bytes.toString('utf8');
    };
    expect(await text(mixed)).toBe(JSON.stringify({ batch: mixed.map((envelope) => envelope.operation) }));
    expect(await text(mixed)).toBe(await text(batch.envelopes));
    expect(await text(batch.envelopes.slice(0, 1))).toBe(JSON.stringify({ batch: [batch.envelopes[0]?.operation] }));
  });

  it('cuts a body into chunks of at most 64 KB, a part larger than that in a chunk of its own, and reads it again from the start', async () => {
    const huge = identify('big', { blob: 'x'.repeat(BODY_CHUNK_BYTES + 10) });
    const envelopes = batchOf([...manyOperations(600), huge, ...manyOperations(10)]).envelopes;
    const body = new BatchBodyChunks(envelopes);
    const read = async (): Promise<Buffer[]> => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      return chunks;
    };
    const first = await read();
    const sizes = first.map((chunk) => chunk.length);
    expect(sizes.filter((size) => size > BODY_CHUNK_BYTES)).toHaveLength(1);
    expect(sizes.length).toBeGreaterThan(3);
    expect(Buffer.concat(first).toString('utf8')).toBe(JSON.stringify({ batch: envelopes.map((envelope) => envelope.operation) }));
    expect(Buffer.concat(await read()).equals(Buffer.concat(first))).toBe(true);
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
