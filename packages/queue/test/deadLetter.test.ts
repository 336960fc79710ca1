import { track } from '@cioscale/core';
import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createRedisClient, DeadLetter, type DeadLetterRecord, queueLocation } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

describe('DeadLetter.removeIfUnchanged (what replay uses)', () => {
  it('keeps a record written again after it was read, removes one that was not', async () => {
    const deadLetter = new DeadLetter(ctx.redis, queueLocation(freshNamespace(), 'default'));
    const read: DeadLetterRecord = { id: 'op1', workspace: 'default', operation: track('p', 'e'), producedAt: 1, status: 'rejected', reason: 'invalid', message: 'no', attempts: 1, deadAt: 1_000 };
    await deadLetter.add(read);
    // the replayed operation was rejected again before the replay removed what it had read
    const again = { ...read, deadAt: 2_000 };
    await deadLetter.add(again);
    await deadLetter.removeIfUnchanged(read);
    expect(await deadLetter.list()).toEqual([again]);
    await deadLetter.removeIfUnchanged(again);
    expect(await deadLetter.count()).toBe(0);
  });
});
