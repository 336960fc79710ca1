import { defaultWorkspace, type QueueReading, type QueueShards } from '@cioscale/queue';
import { describe, expect, it } from 'vitest';
import { BacklogWatch } from '../src/backlog.js';

/** A queue whose depth the test sets, read through a stand-in for QueueShards. */
function queue() {
  let depth = 0;
  let reads = 0;
  const shards = {
    read: async (): Promise<QueueReading[]> => {
      reads++;
      return [{ shard: 0, waitList: 'w', paused: false, counts: { waiting: depth, prioritized: 0, paused: 0, active: 0, delayed: 0, failed: 0, completed: 0 } }];
    },
  } as unknown as QueueShards;
  return { shards, setDepth: (value: number) => void (depth = value), reads: () => reads };
}

describe('BacklogWatch', () => {
  it('adds what the gateway accepted since the last reading, and says over at the limit', async () => {
    const { shards, setDepth } = queue();
    setDepth(3);
    const watch = new BacklogWatch(shards, [defaultWorkspace()], 5);
    await watch.start(60_000);
    watch.stop();
    await watch.beginWrite();
    watch.endWrite(new Map([['default', 1]]));
    expect(watch.state('default')).toEqual({ depth: 4, limit: 5, over: false });
    await watch.beginWrite();
    watch.endWrite(new Map([['default', 1]]));
    expect(watch.state('default').over).toBe(true);
  });

  it('never reads while a write is in flight, so a write is counted once: in the reading or after it', async () => {
    const { shards, setDepth, reads } = queue();
    const watch = new BacklogWatch(shards, [defaultWorkspace()], 100);
    await watch.beginWrite();
    const reading = watch.start(60_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reads()).toBe(0);
    // the write lands in Redis, then the gateway counts it; only then may the reading go
    setDepth(2);
    watch.endWrite(new Map([['default', 2]]));
    await reading;
    watch.stop();
    expect(reads()).toBe(1);
    expect(watch.state('default').depth).toBe(2);
  });
});
