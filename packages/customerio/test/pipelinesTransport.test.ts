/**
 * The Pipelines transport on the wire: what it sends, and how it classifies failures that the emulator
 * does not produce (a server error page, a refused connection, a server that never answers).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeOf, createEnvelope, identify, track, type Batch } from '@cioscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipelinesTransport, type PipelinesTransport } from '../src/index.js';
import { WRITE_KEY } from './pipelinesHelpers.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const servers: Server[] = [];
const transports: PipelinesTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A server answering `status` with `body`, or never when status is 0; it records what it received. */
async function serve(status: number, body = '{}'): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (status !== 0) response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function transportTo(url: string, timeoutMs = 2000): PipelinesTransport {
  const transport = createPipelinesTransport({ writeKey: WRITE_KEY, url, timeoutMs, connections: 1 });
  transports.push(transport);
  return transport;
}

const batch: Batch<number> = (() => {
  const envelopes = [identify('1', { plan: 'pro' }, { timestamp: 1_700_000_000 }), track('1', 'paid')].map((operation, i) =>
    createEnvelope(operation, { source: i, sourceKey: `wire#${i}`, producedAt: 1_700_000_000_000 }),
  );
  return { envelopes, bytes: 0 };
})();

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('createPipelinesTransport on the wire', () => {
  it('posts /v1/batch with the write key as Basic user, an empty password and X-Strict-Mode: 1', async () => {
    const { url, received } = await serve(200, '{"success":true}');
    await expect(Promise.resolve(transportTo(`${url}/v1`).send(batch))).resolves.toEqual({ status: 200, errors: [] });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/batch', headers: { 'x-strict-mode': '1', 'content-type': 'application/json' } });
    expect(Buffer.from(String(request?.headers.authorization).replace(/^Basic /, ''), 'base64').toString('utf8')).toBe(`${WRITE_KEY}:`);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      batch: [
        { type: 'identify', userId: '1', messageId: batch.envelopes[0]?.id, timestamp: '2023-11-14T22:13:20.000Z', traits: { plan: 'pro' } },
        { type: 'track', userId: '1', messageId: batch.envelopes[1]?.id, event: 'paid', properties: {} },
      ],
    });
  });

  it('classifies a gateway error page as a server error and never puts the key in it', async () => {
    const { url } = await serve(502, '<html>bad gateway</html>');
    const error = await failure(Promise.resolve(transportTo(url).send(batch)));
    expect(codeOf(error)).toBe('CIO_TRANSPORT_SERVER');
    expect(JSON.stringify({ message: (error as Error).message })).not.toContain('SECRET');
  });

  it('classifies a refused connection as a network error and a silent server as a timeout', async () => {
    const { url } = await serve(0);
    expect(codeOf(await failure(Promise.resolve(transportTo(url, 150).send(batch))))).toBe('CIO_TRANSPORT_TIMEOUT');
    // a port nothing listens on: the one of a server already closed
    const closed = await serve(200);
    const server = servers.pop() as Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = await failure(Promise.resolve(transportTo(closed.url).send(batch)));
    expect(codeOf(refused)).toBe('CIO_TRANSPORT_NETWORK');
    expect((refused as Error).message).toBe(`could not reach the Pipelines API at ${closed.url}`);
  });
});
