/**
 * Millisecond timestamps: Customer.io reads `_timestamp`/`timestamp` as unix seconds, so a value in
 * milliseconds lands thousands of years ahead and wins every later update. The emulator behaves the
 * same and flags it: a counter and a note in the admin stats.
 */
import { describe, expect, it } from 'vitest';
import { eventOp, identifyOp, send, trackClient, useEmulators } from './helpers.js';

describe('millisecond timestamps', () => {
  const start = useEmulators();

  it('are taken as seconds, as Customer.io takes them, and counted with a note in the admin stats', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const nowMs = Date.now();
    await cio.identify('1', { plan: 'from_a_backfill', _timestamp: nowMs });
    await cio.identify('1', { plan: 'later_update', _timestamp: Math.floor(nowMs / 1000) + 60 });
    // The millisecond write wins for good: that is the mistake the counter points at.
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'from_a_backfill' } });

    await cio.batch([identifyOp('2', { plan: 'x' }, nowMs), { ...eventOp('2', 'login'), timestamp: nowMs }, identifyOp('3', { plan: 'y' }, Math.floor(nowMs / 1000))]);
    const stats = (await send(emulator, 'GET', '/__emulator/stats', undefined, {})).json;
    expect(stats).toMatchObject({
      millisecondTimestamps: 3,
      lastMillisecondTimestamp: { action: 'event', value: nowMs },
      notes: [expect.stringContaining('3 operations had a timestamp in milliseconds')],
    });
    expect((stats as { notes: string[] }).notes[0]).toContain('send seconds');
  });

  it('leave no note when every timestamp is in seconds', async () => {
    const emulator = await start();
    await trackClient(emulator).track('1', { name: 'x', timestamp: 1_700_000_000 });
    expect(emulator.stats()).toMatchObject({ millisecondTimestamps: 0, notes: [] });
  });
});
