import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { afterAll, beforeAll } from 'vitest';

/**
 * Registers a `beforeAll` that starts an emulator with workspace `site:key` at 100 req/s, and an `afterAll` that
 * closes it; call it at the top of a test file and use the returned getter inside hooks and tests.
 * @example const emulator = useTestEmulator(); … emulator().events();
 */
export function useTestEmulator(): () => EmulatorHandle {
  let emulator: EmulatorHandle | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ workspaces: ['site:key'], rate: 100 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error('useTestEmulator: the emulator is not started yet (use it inside hooks and tests)');
    return emulator;
  };
}
