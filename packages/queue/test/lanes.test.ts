import { firstValueFrom } from 'rxjs';
import { freshNamespace, useTestRedis } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { createRedisClient, readLanes, RedisTokenSource, setLaneShares, type BulkWindowState } from '../src/index.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));

const RATE = 100;
const BURST = 10;

/** A sender that wants every token it can get: `takers` requests waiting at once. */
function hungry(source: RedisTokenSource, until: number, takers = 4): Promise<number> {
  return Promise.all(
    Array.from({ length: takers }, async () => {
      let granted = 0;
      while (Date.now() < until) {
        await firstValueFrom(source.take());
        if (Date.now() <= until) granted += 1;
      }
      return granted;
    }),
  ).then((counts) => counts.reduce((a, b) => a + b, 0));
}

/** A sender asking for `perSecond` requests a second, each sent as soon as it is granted. */
async function paced(source: RedisTokenSource, until: number, perSecond: number): Promise<{ asked: number; granted: number; worstWaitMs: number }> {
  let granted = 0;
  let worstWaitMs = 0;
  const waits: Promise<void>[] = [];
  while (Date.now() < until) {
    waits.push(
      firstValueFrom(source.take()).then((waited) => {
        if (Date.now() <= until) granted += 1;
        worstWaitMs = Math.max(worstWaitMs, waited);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await Promise.all(waits);
  return { asked: waits.length, granted, worstWaitMs };
}

function sources(namespace: string, window?: () => BulkWindowState) {
  return {
    live: new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: RATE, burst: BURST }),
    bulk: new RedisTokenSource(ctx.redis, { namespace, workspace: 'w', rate: RATE, burst: BURST, lane: 'bulk', ...(window && { bulkWindow: window }) }),
  };
}

describe('lanes of one budget', () => {
  it('live gets what it asks for first; bulk takes what live leaves, and together they stay within the budget', async () => {
    const namespace = freshNamespace();
    const { live, bulk } = sources(namespace);
    const seconds = 1.5;
    const until = Date.now() + seconds * 1000;
    const [liveRun, bulkGranted] = await Promise.all([paced(live, until, 30), hungry(bulk, until)]);
    // live got what it asked for (~45 in 1.5 s) without waiting for bulk
    expect(liveRun.asked).toBeGreaterThanOrEqual(30);
    expect(liveRun.granted).toBeGreaterThanOrEqual(liveRun.asked - 2);
    expect(liveRun.worstWaitMs).toBeLessThan(500);
    expect(liveRun.granted + bulkGranted).toBeLessThanOrEqual(RATE * seconds + BURST);
    // bulk used at least 80 % of what live left
    expect(bulkGranted).toBeGreaterThanOrEqual(0.8 * (RATE * seconds - liveRun.granted));
    const lanes = await readLanes(ctx.redis, 'w', namespace);
    expect(lanes?.live.granted).toBeGreaterThanOrEqual(liveRun.granted);
    expect(lanes?.bulk.granted).toBeGreaterThanOrEqual(bulkGranted);
  });

  it('live asking for everything leaves bulk its floor, and no more', async () => {
    const namespace = freshNamespace();
    const { live, bulk } = sources(namespace);
    await setLaneShares(ctx.redis, 'w', { floor: 0.2 }, namespace);
    const until = Date.now() + 1_500;
    const [liveGranted, bulkGranted] = await Promise.all([hungry(live, until, 8), hungry(bulk, until)]);
    // 20 % of 150 tokens in 1.5 s, give or take the bulk lane's burst
    expect(bulkGranted).toBeGreaterThanOrEqual(22);
    expect(bulkGranted).toBeLessThanOrEqual(30 + BURST);
    expect(liveGranted).toBeGreaterThanOrEqual(95);
    const lanes = await readLanes(ctx.redis, 'w', namespace);
    // live wanted more than it got: its waiting demand shows
    expect(lanes?.live.waiting).toBeGreaterThan(0);
    expect(lanes?.bulk.floor).toBe(0.2);
  });

  it('bulk never takes more than its ceiling, even with live idle; the ceiling changes live', async () => {
    const namespace = freshNamespace();
    const { bulk } = sources(namespace);
    await setLaneShares(ctx.redis, 'w', { ceiling: 0.3 }, namespace);
    const first = await hungry(bulk, Date.now() + 1_000);
    expect(first).toBeLessThanOrEqual(30 + BURST);
    expect(first).toBeGreaterThanOrEqual(20);
    await setLaneShares(ctx.redis, 'w', { ceiling: 1 }, namespace);
    const second = await hungry(bulk, Date.now() + 1_000);
    expect(second).toBeGreaterThanOrEqual(75);
    const lanes = await readLanes(ctx.redis, 'w', namespace);
    expect(lanes?.bulk.share).toBeGreaterThan(0.6);
  });

  it('quiet hours: inside the window bulk may use the whole budget, outside it drops to its floor', async () => {
    const namespace = freshNamespace();
    let state: BulkWindowState = 'out';
    const { bulk } = sources(namespace, () => state);
    await setLaneShares(ctx.redis, 'w', { floor: 0.1, ceiling: 0.5 }, namespace);
    const outside = await hungry(bulk, Date.now() + 1_000);
    expect(outside).toBeLessThanOrEqual(10 + BURST);
    expect((await readLanes(ctx.redis, 'w', namespace))?.bulk).toMatchObject({ window: 'out', cap: 0.1 });
    state = 'in';
    const inside = await hungry(bulk, Date.now() + 1_000);
    expect(inside).toBeGreaterThanOrEqual(75);
    expect((await readLanes(ctx.redis, 'w', namespace))?.bulk).toMatchObject({ window: 'in', cap: 1 });
  });

  it('a 429 seen by the bulk sender pauses live too', async () => {
    const namespace = freshNamespace();
    const { live, bulk } = sources(namespace);
    await firstValueFrom(bulk.take());
    bulk.penalize(400);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await firstValueFrom(live.take())).toBeGreaterThanOrEqual(300);
  });

  it('refuses a share outside 0..1, naming it', async () => {
    await expect(setLaneShares(ctx.redis, 'w', { floor: 1.5 }, freshNamespace())).rejects.toThrow(/bulk floor/);
  });
});
