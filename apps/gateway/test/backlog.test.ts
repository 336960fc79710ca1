import { defaultWorkspace, type QueueReading, type QueueShards, type WorkerReport } from '@cioscale/queue';
import { describe, expect, it } from 'vitest';
import { BacklogWatch, describeBackpressure } from '../src/backlog.js';

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
    expect(watch.state('default')).toMatchObject({ depth: 4, limit: 5, over: false, reason: undefined, etaSeconds: undefined });
    await watch.beginWrite();
    watch.endWrite(new Map([['default', 1]]));
    expect(watch.state('default')).toMatchObject({ over: true, reason: 'backlog', retryAfterSeconds: 5 });
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

/** A worker's report with `finished` operations for workspace default (delivered, rejected and failed split). */
function report(workerId: string, finished: number, startedAt = 0): WorkerReport {
  const delivered = finished - Math.floor(finished / 10) * 2;
  const snapshot = { at: 0, operationsIn: finished, delivered, rejected: Math.floor(finished / 10), failed: Math.floor(finished / 10), requests: 0, rateLimited: 0, retries: 0, bytes: 0, inFlight: 0, requestsInFlight: 0, latency: { p50: 0, p95: 0, p99: 0 } };
  return { workerId, host: 'h', pid: 1, startedAt, workspaces: { default: snapshot } };
}

/** A watch with the ETA limit on (a window of 1 s: the rate of the last reading apart), its clock, its workers' reports and its queue depth all set by the test. */
async function drainWatch(limits: { maxSeconds: number; minBacklog: number; maxBacklog?: number }) {
  const { shards, setDepth } = queue();
  let now = 1_000_000;
  let reports: WorkerReport[] = [];
  const watch = new BacklogWatch(shards, [defaultWorkspace()], limits.maxBacklog ?? 1_000_000, {
    retryAfterSeconds: 2,
    maxRetryAfterSeconds: 120,
    drain: { maxSeconds: limits.maxSeconds, minBacklog: limits.minBacklog, windowMs: 1_000, workers: async () => reports },
    now: () => now,
  });
  // one reading per call, `ms` after the previous one; the timer of start() never fires within a test
  await watch.start(3_600_000);
  watch.stop();
  const read = async (ms: number, depth: number, next: WorkerReport[]): Promise<void> => {
    now += ms;
    setDepth(depth);
    reports = next;
    await (watch as unknown as { refresh(): Promise<void> }).refresh();
  };
  return { watch, read };
}

describe('BacklogWatch with a drain-ETA limit', () => {
  it('measures the rate the workers finish operations at, and refuses once the backlog would take longer than the limit', async () => {
    const { watch, read } = await drainWatch({ maxSeconds: 60, minBacklog: 100 });
    await read(1_000, 5_000, [report('w1', 0), report('w2', 0)]);
    // 2 workers, 50 + 50 finished a second: 100/s, 5,000 waiting → 50 s, under the 60 s limit
    for (let second = 1; second <= 4; second++) await read(1_000, 5_000, [report('w1', 50 * second), report('w2', 50 * second)]);
    expect(watch.state('default')).toMatchObject({ over: false, drainPerSecond: 100, etaSeconds: 50, maxDrainSeconds: 60 });
    // the same fleet, 9,000 waiting: 90 s, 30 s past the limit → Retry-After 30
    await read(1_000, 9_000, [report('w1', 250), report('w2', 250)]);
    const over = watch.state('default');
    expect(over).toMatchObject({ over: true, reason: 'drain_eta', etaSeconds: 90, retryAfterSeconds: 30 });
    expect(describeBackpressure('default', over)).toBe('workspace default has 9000 operations waiting, about 90 s of delivery at the 100.0 operations/s its workers finish (limit 60 s); retry after 30 s');
  });

  it('reads a stopped fleet as draining nothing: an infinite ETA, refused once past the minimum depth, with the longest Retry-After', async () => {
    const { watch, read } = await drainWatch({ maxSeconds: 60, minBacklog: 100 });
    await read(1_000, 99, []);
    await read(1_000, 99, []);
    expect(watch.state('default')).toMatchObject({ over: false, drainPerSecond: 0, etaSeconds: Number.POSITIVE_INFINITY });
    await read(1_000, 100, []);
    const stopped = watch.state('default');
    expect(stopped).toMatchObject({ over: true, reason: 'drain_eta', retryAfterSeconds: 120 });
    expect(describeBackpressure('default', stopped)).toContain('and its workers finish none (limit 60 s)');
  });

  it('counts a worker that started since the last reading whole, and never counts backwards', async () => {
    const { watch, read } = await drainWatch({ maxSeconds: 60, minBacklog: 1 });
    await read(1_000, 1_000, [report('old', 500, 0)]);
    // old finished 100 more; fresh started after the previous reading and finished 100: 200 in 1 s
    const previousReading = 1_001_000;
    await read(1_000, 1_000, [report('old', 600, 0), report('fresh', 100, previousReading + 500)]);
    expect(watch.state('default').drainPerSecond).toBe(200);
    // old is gone; fresh restarted under the same id (its counters from 0) and finished 30 since
    await read(1_000, 1_000, [report('fresh', 30, previousReading + 1_500)]);
    expect(watch.state('default').drainPerSecond).toBe(30);
    // a worker first seen that started long ago: what it did before is no part of the rate
    await read(1_000, 1_000, [report('fresh', 40, previousReading + 1_500), report('late', 1_000_000, 0)]);
    expect(watch.state('default').drainPerSecond).toBe(10);
  });

  it('accepts again once the fleet drains the backlog, and under the minimum depth whatever the rate', async () => {
    const { watch, read } = await drainWatch({ maxSeconds: 10, minBacklog: 50 });
    await read(1_000, 1_000, [report('w', 0)]);
    await read(1_000, 1_000, [report('w', 10)]);
    expect(watch.state('default')).toMatchObject({ over: true, reason: 'drain_eta', etaSeconds: 100, retryAfterSeconds: 90 });
    await read(1_000, 0, [report('w', 1_010)]);
    expect(watch.state('default')).toMatchObject({ over: false, etaSeconds: 0 });
    await read(20_000, 49, [report('w', 1_010)]);
    expect(watch.state('default')).toMatchObject({ over: false, drainPerSecond: 0, etaSeconds: Number.POSITIVE_INFINITY });
  });

  it('leaves the depth limit first, with its own Retry-After, and knows no ETA before two readings', async () => {
    const { watch, read } = await drainWatch({ maxSeconds: 10, minBacklog: 1, maxBacklog: 500 });
    expect(watch.state('default')).toMatchObject({ drainPerSecond: undefined, etaSeconds: undefined, over: false });
    await read(1_000, 500, []);
    expect(watch.state('default')).toMatchObject({ over: true, reason: 'backlog', retryAfterSeconds: 2 });
  });
});
