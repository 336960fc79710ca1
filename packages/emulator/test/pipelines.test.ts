/**
 * The Data Pipelines port: write-key auth, limits, strict vs silent drops, messageId dedupe, the shared ledger.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../src/index.js';
import { startEmulator } from '../src/index.js';
import { parseCliArgs } from '../src/cliArgs.js';
import { basicAuth, trackClient, useEmulators } from './helpers.js';

/** A write key as Pipelines sends it: the user of Basic auth, an empty password. */
function writeKeyAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

async function call(emulator: EmulatorHandle, path: string, body: unknown, { key = 'key', strict = true }: { key?: string; strict?: boolean } = {}): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: writeKeyAuth(key), 'content-type': 'application/json' };
  if (strict) headers['x-strict-mode'] = '1';
  const response = await fetch(`${emulator.pipelinesUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

describe('the Pipelines port', () => {
  const start = useEmulators();

  it('is served only when asked for, on its own port', async () => {
    const trackOnly = await start();
    expect(trackOnly.pipelinesUrl).toBeUndefined();
    expect(() => trackOnly.pipelinesStats()).toThrow(/pipelines must be given to startEmulator/);
    const both = await start({ pipelines: {} });
    expect(both.pipelinesUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(both.pipelinesUrl).not.toBe(both.url);
  });

  it("accepts each workspace's API key as its write key unless another is configured", async () => {
    const emulator = await start({ workspaces: ['a:key-a', 'b:key-b'], pipelines: { writeKeys: { b: 'write-b' } } });
    expect((await call(emulator, '/v1/identify', { userId: '1' }, { key: 'key-a' })).status).toBe(200);
    expect((await call(emulator, '/v1/identify', { userId: '2' }, { key: 'write-b' })).status).toBe(200);
    expect((await call(emulator, '/v1/identify', { userId: '3' }, { key: 'key-b' })).status).toBe(401);
    expect(emulator.person('1', { workspace: 'a' }).state).toBe('active');
    expect(emulator.person('2', { workspace: 'b' }).state).toBe('active');
    expect(emulator.pipelinesStats('a').server.unauthorized).toBe(1);
    await expect(startEmulator({ pipelines: { writeKeys: { nope: 'k' } } })).rejects.toThrow(/pipelines\.writeKeys\.nope/);
    // b's write key would be a's API key: a request could not say which workspace it is for
    await expect(startEmulator({ workspaces: ['a:key-a', 'b:key-b'], pipelines: { writeKeys: { b: 'key-a' } } })).rejects.toThrow(/pipelines\.writeKeys must be a distinct write key.*received "\(hidden\)"/);
  });

  it('keeps Pipelines data in the same ledger as Track data', async () => {
    const emulator = await start({ pipelines: {} });
    await trackClient(emulator).identify('42', { source: 'track' });
    const sent = await call(emulator, '/v1/batch', {
      batch: [
        { type: 'identify', userId: '42', traits: { plan: 'pro' }, messageId: 'm1' },
        { type: 'track', userId: '42', event: 'clicked', properties: { n: 1 }, messageId: 'm2', timestamp: '2023-11-14T22:15:00.500Z' },
        { type: 'track', userId: 'gone', event: 'User Deleted', messageId: 'm3' },
      ],
    });
    expect(sent.status).toBe(200);
    expect(emulator.person('42')).toMatchObject({ attributes: { source: 'track', plan: 'pro' }, eventCount: 1 });
    expect(emulator.events({ name: 'clicked' })).toMatchObject([{ id: 'm2', timestamp: 1_700_000_100, data: { n: 1 } }]);
    expect(emulator.stats().operations).toMatchObject({ identify: 2, event: 1, delete: 1 });
  });

  it('refuses unix-second timestamps and names the entry; strict mode answers 400 and applies nothing of the batch', async () => {
    const emulator = await start({ pipelines: {} });
    const sent = await call(emulator, '/v1/batch', { batch: [{ type: 'identify', userId: 'ok' }, { type: 'track', userId: 'x', event: 'e', timestamp: 1_700_000_000 }] });
    expect(sent.status).toBe(400);
    expect(JSON.stringify(sent.json)).toContain('batch[1]');
    expect(JSON.stringify(sent.json)).toContain('ISO-8601');
    expect(emulator.person('ok').state).toBe('unknown');
    expect(emulator.pipelinesStats()).toMatchObject({ rejectedRequests: 1, acceptedCalls: 0, silentlyDroppedRequests: 0 });
  });

  it('enforces 32 KB per call and per entry and 500 KB per batch; without strict mode it answers 200 and drops silently', async () => {
    const emulator = await start({ pipelines: {} });
    const big = 'x'.repeat(33 * 1024);
    const oversizeCall = { userId: 'a', event: 'big', properties: { big } };
    const oversizeEntry = { batch: [{ type: 'track', ...oversizeCall }] };
    const oversizeBatch = { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `b${i}`, event: 'wide', properties: { blob: 'y'.repeat(30 * 1024) } })) };
    for (const [path, body] of [['/v1/track', oversizeCall], ['/v1/batch', oversizeEntry], ['/v1/batch', oversizeBatch]] as const) {
      expect((await call(emulator, path, body)).status).toBe(400);
      expect((await call(emulator, path, body, { strict: false })).status).toBe(200);
    }
    expect(emulator.stats().sizes.events).toBe(0);
    expect(emulator.pipelinesStats()).toMatchObject({ rejectedRequests: 3, silentlyDroppedRequests: 3, silentlyDroppedCalls: 1 + 1 + 1, strictRequests: 3, requests: 6 });
  });

  it('applies a messageId once, however often it is sent', async () => {
    const emulator = await start({ pipelines: {} });
    for (let attempt = 0; attempt < 3; attempt++) {
      await call(emulator, '/v1/batch', { batch: [{ type: 'track', userId: '1', event: 'paid', messageId: 'once' }, { type: 'identify', userId: '1', traits: { n: attempt }, messageId: `id-${attempt}` }] });
    }
    expect(emulator.events()).toHaveLength(1);
    expect(emulator.person('1')).toMatchObject({ attributes: { n: 2 } });
    expect(emulator.pipelinesStats()).toMatchObject({ acceptedCalls: 4, duplicateMessages: 2 });
  });

  it('answers 429 with Retry-After past its own rate limit, apart from the Track budget', async () => {
    const emulator = await start({ rate: 0, pipelines: { rate: 1, burst: 1, rateLimitMode: 'hard' } });
    expect((await call(emulator, '/v1/identify', { userId: '1' })).status).toBe(200);
    const response = await fetch(`${emulator.pipelinesUrl}/v1/identify`, { method: 'POST', headers: { authorization: writeKeyAuth('key'), 'x-strict-mode': '1' }, body: '{"userId":"2"}' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${emulator.url}/api/v1/customers/3`, { method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    expect(emulator.pipelinesStats().rateLimited).toBe(1);
  });

  it('answers 404 for paths it does not serve, and reset forgets Pipelines counters and message ids', async () => {
    const emulator = await start({ pipelines: {} });
    expect((await call(emulator, '/v1/unknown', {})).status).toBe(404);
    expect((await call(emulator, '/api/v2/batch', {})).status).toBe(404);
    await call(emulator, '/v1/track', { userId: '1', event: 'e', messageId: 'm' });
    emulator.reset();
    expect(emulator.pipelinesStats()).toMatchObject({ requests: 0, acceptedCalls: 0, server: { notFound: 0 } });
    await call(emulator, '/v1/track', { userId: '1', event: 'e', messageId: 'm' });
    expect(emulator.events()).toHaveLength(1);
  });
});

describe('GET /__emulator/stats with a Pipelines port', () => {
  const start = useEmulators();
  const adminStats = async (emulator: EmulatorHandle, query = ''): Promise<Record<string, unknown>> => (await (await fetch(`${emulator.url}/__emulator/stats${query}`)).json()) as Record<string, unknown>;

  it('counts Pipelines requests, calls applied and 429s beside the Track counters; POST reset forgets them', async () => {
    const emulator = await start({ rate: 0, pipelines: { rate: 2, burst: 2, rateLimitMode: 'hard' } });
    expect((await adminStats(emulator))['pipelines']).toMatchObject({ requests: 0, acceptedCalls: 0, rateLimited: 0 });
    const batch = { batch: [1, 2, 3].map((n) => ({ type: 'track', userId: `u${n}`, event: 'clicked', messageId: `m${n}` })) };
    expect((await call(emulator, '/v1/batch', batch)).status).toBe(200);
    expect((await call(emulator, '/v1/identify', { userId: 'u9', messageId: 'm9' }, { strict: false })).status).toBe(200);
    // past the burst of 2: answered 429, counted as a request and a 429, nothing applied
    expect((await call(emulator, '/v1/identify', { userId: 'u10', messageId: 'm10' })).status).toBe(429);
    await trackClient(emulator).identify('t1', { via: 'track' });

    const stats = await adminStats(emulator);
    expect(stats['pipelines']).toMatchObject({ siteId: 'site', requests: 3, strictRequests: 2, acceptedCalls: 4, rateLimited: 1, statuses: { '200': 2, '429': 1 } });
    // the HTTP view and the in-process one are the same numbers; the Track counters stay Track's
    expect(stats['pipelines']).toEqual(emulator.pipelinesStats());
    expect(stats).toMatchObject({ requests: 1, rateLimited: 0, acceptedOperations: 5 });
    expect(emulator.stats()).toEqual(stats);

    expect((await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })).status).toBe(200);
    expect((await adminStats(emulator))['pipelines']).toMatchObject({ requests: 0, acceptedCalls: 0, rateLimited: 0, statuses: {} });
  });

  it('has no pipelines field when the emulator serves Track only', async () => {
    const emulator = await start();
    expect(await adminStats(emulator)).not.toHaveProperty('pipelines');
    expect(emulator.stats()).not.toHaveProperty('pipelines');
  });
});

describe('the Pipelines flags', () => {
  it('serves Pipelines with --pipelines-port and takes write keys by site id, never echoing one', () => {
    const command = parseCliArgs(['--pipelines-port', '0', '--write-key', 'site:wk-1', '-w', 'site:key']);
    expect(command).toMatchObject({ kind: 'run', options: { pipelines: { port: 0, writeKeys: { site: 'wk-1' } } } });
    expect(parseCliArgs([], { CIO_EMULATOR_PIPELINES_PORT: '4200', CIO_EMULATOR_WRITE_KEYS: 'site:wk-2' })).toMatchObject({ options: { pipelines: { port: 4200, writeKeys: { site: 'wk-2' } } } });
    expect(() => parseCliArgs(['--write-key', 'site:wk-secret'])).toThrow(/--write-key.*--pipelines-port/);
    expect(() => parseCliArgs(['--pipelines-port', '0', '--write-key', 'site'])).toThrow(/--write-key/);
    expect(() => parseCliArgs(['--pipelines-port', 'x'])).toThrow(/--pipelines-port/);
  });
});

describe('cioscale-emulator --pipelines-port', { timeout: 30_000 }, () => {
  it('prints the Pipelines URL after the Track one, serves it with the write key, and never prints the key', async () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', '--port', '0', '--pipelines-port', '0', '-w', 'cli:track-secret', '--write-key', 'cli:write-secret'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stderr?.on('data', (chunk: Buffer) => (output += String(chunk)));
    const pipelinesUrl = await new Promise<string>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += String(chunk);
        stdout += String(chunk);
        const line = /Data Pipelines API: (http:\/\/\S+)\/v1/.exec(stdout);
        if (line?.[1] !== undefined) resolve(line[1]);
      });
    });
    const response = await fetch(`${pipelinesUrl}/v1/identify`, { method: 'POST', headers: { authorization: writeKeyAuth('write-secret'), 'x-strict-mode': '1' }, body: '{"userId":"1"}' });
    expect(response.status).toBe(200);
    const trackUrl = stdout.split('\n')[0] as string;
    expect(trackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // the same ledger: the admin API of the Track port shows the person the Pipelines port identified
    expect(await (await fetch(`${trackUrl}/__emulator/people/1`)).json()).toMatchObject({ state: 'active' });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).not.toMatch(/track-secret|write-secret/);
  });
});
