import { type Observable, from, lastValueFrom, map, tap, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  PipelineMetrics,
  TokenBucket,
  transportError,
  createEnvelope,
  createPullSource,
  deliver,
  identify,
  track,
  type Batch,
  type BatchResponse,
  type Envelope,
  type Outcome,
} from '../src/index.js';
import { envelopeFor, envelopes } from './helpers.js';

const ok: BatchResponse = { status: 200, errors: [] };

describe('deliver', () => {
  it('rejects invalid operations locally, batches the rest and delivers them', async () => {
    const requests: Batch[] = [];
    const input = [envelopeFor(0), envelopeFor(1, identify('x'.repeat(200))), envelopeFor(2), envelopeFor(3, track('3', ''))];
    const metrics = new PipelineMetrics();
    const outcomes = await lastValueFrom(
      deliver(from(input), { transport: (batch) => (requests.push(batch), Promise.resolve(ok)), metrics }).pipe(toArray()),
    );
    expect(outcomes.map((o) => [o.envelope.source, o.status])).toEqual(
      expect.arrayContaining([[0, 'delivered'], [1, 'rejected'], [2, 'delivered'], [3, 'rejected']]),
    );
    expect(outcomes).toHaveLength(4);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.envelopes.map((e) => e.source)).toEqual([0, 2]);
    expect(metrics.snapshot()).toMatchObject({ operationsIn: 4, delivered: 2, rejected: 2, failed: 0, requests: 1, inFlight: 0 });
  });

  it('never sends more requests per second than the token bucket allows (virtual time)', () => {
    const sentAt: number[] = [];
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(() => {
      const bucket = new TokenBucket({ rate: 10, burst: 1, scheduler });
      const input = from(envelopes(50));
      deliver(input, {
        transport: () => (sentAt.push(scheduler.now()), timer(5).pipe(map(() => ok))),
        tokenSource: bucket,
        batch: { maxOperations: 1 },
        concurrency: 8,
        scheduler,
      }).subscribe();
    });
    expect(sentAt).toHaveLength(50);
    // 10 req/s with a burst of 1: the n-th request leaves no earlier than n × 100 ms.
    sentAt.forEach((at, n) => expect(at).toBeGreaterThanOrEqual(n * 100));
    expect(sentAt.at(-1)).toBeLessThanOrEqual(49 * 100 + 1);
  });

  it('slows everyone after a 429 and still delivers everything', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    const outcomes: Outcome<number>[] = [];
    let calls = 0;
    const metrics = new PipelineMetrics(scheduler);
    scheduler.run(() => {
      const transport = (): Observable<BatchResponse> =>
        timer(5).pipe(
          map(() => {
            if (++calls % 4 === 0) throw transportError('rate_limited', '429', { status: 429 });
            return ok;
          }),
        );
      deliver(from(envelopes(40)), {
        transport,
        tokenSource: new TokenBucket({ rate: 20, burst: 2, scheduler }),
        batch: { maxOperations: 2 },
        metrics,
        scheduler,
      }).subscribe((o) => outcomes.push(o));
    });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(40);
    const snapshot = metrics.snapshot();
    expect(snapshot.rateLimited).toBeGreaterThan(0);
    expect(snapshot.retries).toBe(snapshot.rateLimited);
    expect(snapshot.requests).toBe(20 + snapshot.rateLimited);
  });
});

describe('createPullSource', () => {
  it('keeps at most highWaterMark values un-acknowledged and reads on as outcomes arrive', async () => {
    let read = 0;
    let acknowledged = 0;
    let mostAhead = 0;
    function* rows() {
      for (let i = 0; i < 1000; i++) {
        read += 1;
        mostAhead = Math.max(mostAhead, read - acknowledged);
        yield i;
      }
    }
    const source = createPullSource(rows(), { highWaterMark: 50 });
    const outcomes = await lastValueFrom(
      deliver(source.values.pipe(map((i): Envelope<number> => createEnvelope(identify(`u${i}`), { source: i, producedAt: 0 }))), {
        transport: () => timer(1).pipe(map(() => ok)),
        batch: { maxOperations: 20, maxWaitMs: 5 },
      }).pipe(
        tap(() => {
          acknowledged += 1;
          source.release();
        }),
        toArray(),
      ),
    );
    expect(outcomes).toHaveLength(1000);
    expect(mostAhead).toBeLessThanOrEqual(50);
    expect(source.pending).toBe(0);
  });

  it('stops reading while the window is full', async () => {
    let read = 0;
    async function* rows() {
      for (let i = 0; i < 100; i++) {
        read += 1;
        yield i;
      }
    }
    const source = createPullSource(rows(), { highWaterMark: 10 });
    const seen: number[] = [];
    const subscription = source.values.subscribe((v) => seen.push(v));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(10);
    expect(read).toBeLessThanOrEqual(11);
    source.release(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(15);
    subscription.unsubscribe();
  });

  it('closes the iterator when the consumer unsubscribes', async () => {
    let closed = false;
    async function* rows() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const source = createPullSource(rows(), { highWaterMark: 3 });
    const subscription = source.values.subscribe();
    await new Promise((r) => setTimeout(r, 10));
    subscription.unsubscribe();
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
  });

  it('passes a read error down the stream', async () => {
    async function* rows() {
      yield 1;
      throw new Error('disk on fire');
    }
    await expect(lastValueFrom(createPullSource(rows()).values)).rejects.toThrow('disk on fire');
  });
});
