/**
 * Operations/s through the in-process core pipeline: validate → batch → a no-op transport.
 * No network and no rate limit: this is the ceiling the pipeline itself imposes.
 *
 *   pnpm --filter @cioscale/bench run core [operations]
 */
import { performance } from 'node:perf_hooks';
import { createEnvelope, deliver, identify, type BatchResponse, type Envelope } from '@cioscale/core';
import { from, of } from 'rxjs';

const total = Number(process.argv[2] ?? 1_000_000);
const ok: BatchResponse = { status: 200, errors: [] };

function makeEnvelopes(count: number): Envelope<number>[] {
  const out = new Array<Envelope<number>>(count);
  for (let i = 0; i < count; i++) {
    out[i] = createEnvelope(identify(`user-${i}`, { email: `user${i}@example.com`, plan: i % 3 === 0 ? 'pro' : 'free', seats: i % 50 }), {
      source: i,
      sourceKey: `bench#${i}`,
      producedAt: 1_700_000_000_000,
    });
  }
  return out;
}

async function run(label: string, body: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const operations = await body();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${operations.toLocaleString('en-US')} operations in ${seconds.toFixed(2)} s = ${Math.round(operations / seconds).toLocaleString('en-US')} ops/s`);
}

/** Runs the envelopes through the pipeline; resolves with the number of delivered outcomes. */
function pipeline(envelopes: Envelope<number>[]): Promise<number> {
  let delivered = 0;
  return new Promise((resolve, reject) => {
    deliver(from(envelopes), { transport: () => of(ok) }).subscribe({
      next: (outcome) => {
        if (outcome.status === 'delivered') delivered += 1;
      },
      error: reject,
      complete: () => resolve(delivered),
    });
  });
}

// Warm up the JIT on a small run so the figures describe steady state.
await pipeline(makeEnvelopes(50_000));

let prebuilt: Envelope<number>[] = [];
await run('create envelopes (id, key, size)', async () => {
  prebuilt = makeEnvelopes(total);
  return total;
});
await run('validate → batch → no-op transport', () => pipeline(prebuilt));
await run('create + validate → batch → no-op transport', async () => pipeline(makeEnvelopes(total)));
console.log(`memoryUsage.rss: ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
