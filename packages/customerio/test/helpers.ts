/**
 * Test helpers: each test starts its own emulator on port 0 and closes it, with every transport it opened.
 */
import { createEnvelope, identify, track, type Batch, type Envelope, type Operation } from '@cioscale/core';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '@cioscale/emulator';
import { afterEach } from 'vitest';
import { createTrackTransport, type TrackTransport, type TrackTransportOptions } from '../src/index.js';

/** A recognisable key: tests assert it never shows up in messages. */
export const SECRET_KEY = 'sk-SECRET-do-not-print-9f8e7d';

/** Starts emulators and transports that are closed after each test. */
export function useEmulator(): {
  start: (options?: EmulatorOptions) => Promise<EmulatorHandle>;
  transport: (emulator: EmulatorHandle, options?: Partial<TrackTransportOptions>) => TrackTransport;
} {
  const emulators: EmulatorHandle[] = [];
  const transports: TrackTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  return {
    start: async (options = {}) => {
      const emulator = await startEmulator({ rate: 0, workspaces: [`site:${SECRET_KEY}`], ...options });
      emulators.push(emulator);
      return emulator;
    },
    transport: (emulator, options = {}) => {
      const transport = createTrackTransport({ siteId: 'site', apiKey: SECRET_KEY, url: emulator.url, timeoutMs: 2000, connections: 2, ...options });
      transports.push(transport);
      return transport;
    },
  };
}

/** A batch of the given operations, with deterministic envelope ids. */
export function batchOf(operations: readonly Operation[]): Batch<number> {
  const envelopes: Envelope<number>[] = operations.map((operation, index) =>
    createEnvelope(operation, { source: index, sourceKey: `test#${index}`, producedAt: 1_700_000_000_000 }),
  );
  return { envelopes, bytes: envelopes.reduce((sum, e) => sum + e.bytes, 12) };
}

/** `count` identify operations for people `p0`, `p1`, … */
export function people(count: number): Operation[] {
  return Array.from({ length: count }, (_, i) => identify(`p${i}`, { plan: i % 2 === 0 ? 'pro' : 'free' }));
}

export { track };
