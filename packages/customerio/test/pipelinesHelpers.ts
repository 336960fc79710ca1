/**
 * Test helpers for the Pipelines transport: an emulator serving the Pipelines port, transports closed after each test.
 */
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '@cioscale/emulator';
import { afterEach } from 'vitest';
import { createPipelinesTransport, type PipelinesTransport, type PipelinesTransportOptions } from '../src/index.js';
import { SECRET_KEY } from './helpers.js';

/** A write key distinct from the Track key, so a test shows which one authenticates. */
export const WRITE_KEY = 'wk-SECRET-pipelines-do-not-print-1a2b3c';

export function usePipelinesEmulator(): {
  start: (options?: EmulatorOptions) => Promise<EmulatorHandle>;
  transport: (emulator: EmulatorHandle, options?: Partial<PipelinesTransportOptions>) => PipelinesTransport;
} {
  const emulators: EmulatorHandle[] = [];
  const transports: PipelinesTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  return {
    start: async (options = {}) => {
      const emulator = await startEmulator({ rate: 0, workspaces: [`site:${SECRET_KEY}`], pipelines: { rate: 0, writeKeys: { site: WRITE_KEY } }, ...options });
      emulators.push(emulator);
      return emulator;
    },
    transport: (emulator, options = {}) => {
      const transport = createPipelinesTransport({ writeKey: WRITE_KEY, url: emulator.pipelinesUrl, timeoutMs: 2000, connections: 2, ...options });
      transports.push(transport);
      return transport;
    },
  };
}
