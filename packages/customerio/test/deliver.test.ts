import { createEnvelope, deliver, identify, PipelineMetrics, TokenBucket, track, type Outcome } from '@cioscale/core';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.js';

describe('core deliver() over the transport', () => {
  const { start, transport } = useEmulator();

  it('delivers every operation through a 429 storm, 5xx, resets and timeouts, with no duplicate event', async () => {
    const emulator = await start({ rate: 40, burst: 5, faults: { error500Rate: 0.1, error503Rate: 0.1, resetRate: 0.05, hangRate: 0.05, hangMs: 2_000 } });
    const cio = transport(emulator, { timeoutMs: 300, connections: 4 });
    const envelopes = Array.from({ length: 200 }, (_, i) =>
      createEnvelope(i % 2 === 0 ? identify(`u${i}`, { n: i }) : track(`u${i - 1}`, 'clicked', { n: i }), { source: i, sourceKey: `file#${i}`, producedAt: 1_700_000_000_000 }),
    );
    const metrics = new PipelineMetrics();
    const outcomes: Outcome<number>[] = await firstValueFrom(
      deliver(from(envelopes), {
        transport: cio.send,
        tokenSource: new TokenBucket({ rate: 80, burst: 10 }),
        concurrency: 4,
        metrics,
        batch: { maxOperations: 10, maxWaitMs: 5 },
        retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 },
      }).pipe(toArray()),
    );
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(200);
    const stats = emulator.stats();
    expect(stats.rateLimited + stats.faults.error500 + stats.faults.error503 + stats.faults.resets + stats.faults.hangs).toBeGreaterThan(0);
    expect(metrics.snapshot().retries).toBeGreaterThan(0);
    expect(stats.sizes.people).toBe(100);
    // a batch retried after a hang may have been applied once already: the event ids dedupe it
    expect(stats.sizes.events).toBe(100);
  }, 30_000);
});
