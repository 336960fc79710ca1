import { createEnvelope, deliver, identify, PipelineMetrics, RateLimitedError, TokenBucket, type BatchResponse } from '@cioscale/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createWorkerMetrics, type WatchedConsumer } from '../src/promMetrics.js';
import { metric } from './support/stack.js';

const ok: BatchResponse = { status: 200, errors: [] };

/** A consumer as the exporter sees it, around a pipeline run in-process against a scripted transport. */
function consumerOf(metrics: PipelineMetrics, tokenSource: TokenBucket): WatchedConsumer {
  return { workspace: 'w', metrics, queues: [], tokenSource, inFlight: () => 0 };
}

describe('the Prometheus exporter reads the pipeline metrics, its one source', () => {
  it('one 429 is counted once in the snapshot and once in /metrics', async () => {
    const bucket = new TokenBucket({ rate: 1_000, burst: 10, defaultPauseMs: 0 });
    const metrics = new PipelineMetrics(undefined, bucket);
    const exporter = createWorkerMetrics();
    exporter.watch(consumerOf(metrics, bucket));
    let calls = 0;
    const transport = (): Promise<BatchResponse> =>
      ++calls === 1 ? Promise.reject(new RateLimitedError('Customer.io rate limit reached (HTTP 429)', { status: 429, retryAfterMs: 0 })) : Promise.resolve(ok);
    const envelopes = [1, 2, 3].map((n) => createEnvelope(identify(`p${n}`), { source: n, producedAt: 0 }));
    const invalid = createEnvelope(identify('x'.repeat(200)), { source: 4, producedAt: 0 });

    const outcomes = await lastValueFrom(
      deliver(from([...envelopes, invalid]), { transport, tokenSource: bucket, metrics, retry: { random: () => 0 }, batch: { maxWaitMs: 0 } }).pipe(toArray()),
    );
    const text = await exporter.registry.metrics();
    exporter.close();

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['delivered', 'delivered', 'delivered', 'rejected']);
    const snapshot = metrics.snapshot();
    expect(snapshot).toMatchObject({ requests: 2, rateLimited: 1, retries: 1, delivered: 3, rejected: 1 });
    const ws = { workspace: 'w' };
    expect(metric(text, 'cioscale_rate_limited_total', ws)).toBe(snapshot.rateLimited);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'rate_limited' })).toBe(1);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'ok' })).toBe(1);
    expect(metric(text, 'cioscale_requests_total', { ...ws, result: 'error' })).toBe(0);
    expect(metric(text, 'cioscale_request_duration_seconds_count', ws)).toBe(snapshot.requests);
    expect(metric(text, 'cioscale_operations_total', { ...ws, status: 'delivered' })).toBe(snapshot.delivered);
    expect(metric(text, 'cioscale_operations_total', { ...ws, status: 'rejected' })).toBe(snapshot.rejected);
    expect(metric(text, 'cioscale_operations_total', { ...ws, status: 'failed' })).toBe(0);
    expect(metric(text, 'cioscale_bucket_ceiling', ws)).toBe(1_000);
  });
});
