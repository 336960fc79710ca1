/**
 * Test helpers: every test starts its own emulator on port 0 and closes it afterwards.
 */
import { CustomerIORequestError, TrackClient } from 'customerio-node';
import { afterEach } from 'vitest';
import type { EmulatorHandle, EmulatorOptions } from '../src/index.js';
import { startEmulator } from '../src/index.js';

/** Registers an afterEach that closes every emulator the returned `start` opened. */
export function useEmulators(): (options?: EmulatorOptions) => Promise<EmulatorHandle> {
  const open: EmulatorHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((emulator) => emulator.close()));
  });
  return async (options = {}) => {
    const emulator = await startEmulator({ rate: 0, ...options });
    open.push(emulator);
    return emulator;
  };
}

/** The official client pointed at the emulator, with its own retries off. */
export function trackClient(emulator: EmulatorHandle, siteId = 'site', apiKey = 'key', timeout?: number): TrackClient {
  return new TrackClient(siteId, apiKey, { url: `${emulator.url}/api/v1`, retry: { maxRetries: 0 }, ...(timeout === undefined ? {} : { timeout }) });
}

/** The `Authorization` header of a workspace. */
export function basicAuth(siteId = 'site', apiKey = 'key'): string {
  return `Basic ${Buffer.from(`${siteId}:${apiKey}`).toString('base64')}`;
}

/** A raw request with node's fetch, for what the official client cannot express. */
export async function send(
  emulator: EmulatorHandle,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: basicAuth() },
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${emulator.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

/** A v2 person identify operation. */
export function identifyOp(id: string, attributes: Record<string, unknown> = {}, timestamp?: number): Record<string, unknown> {
  return { type: 'person', action: 'identify', identifiers: { id }, attributes, ...(timestamp === undefined ? {} : { timestamp }) };
}

/** A v2 person event operation. */
export function eventOp(id: string, name: string, eventId?: string): Record<string, unknown> {
  return { type: 'person', action: 'event', identifiers: { id }, name, ...(eventId === undefined ? {} : { id: eventId }) };
}

/**
 * Runs one call of the official client and returns what it resolved with and the HTTP status the
 * emulator answered (read from the workspace's per-status counters, since the client hides it).
 */
export async function answered<T>(emulator: EmulatorHandle, call: () => Promise<T>, siteId?: string): Promise<{ status: number; body: T }> {
  const before = emulator.stats(siteId).statuses;
  const body = await call();
  const after = emulator.stats(siteId).statuses;
  const changed = Object.keys(after).filter((status) => after[status] !== before[status]);
  if (changed.length !== 1) throw new Error(`expected one answer, the status counters changed by ${JSON.stringify(changed)}`);
  return { status: Number(changed[0]), body };
}

/** Awaits a call of the official client that must be refused; returns the status and the parsed body. */
export async function refused(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CustomerIORequestError)) throw new Error(`expected a CustomerIORequestError, got ${String(error)}`);
  return { status: error.statusCode, body: error.body === '' ? undefined : JSON.parse(error.body) };
}
