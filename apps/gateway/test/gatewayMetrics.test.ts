import { describe, expect, it } from 'vitest';
import type { BacklogWatch } from '../src/backlog.js';
import { GatewayMetrics } from '../src/gatewayMetrics.js';

// the gauges read the backlog at scrape time; these tests are about the counters
const backlog = { state: () => ({ depth: 0, limit: 100, over: false, reason: undefined, drainPerSecond: undefined, etaSeconds: undefined, maxDrainSeconds: undefined, retryAfterSeconds: 5 }) } as unknown as BacklogWatch;

const sample = (page: string, name: string, labels: string): number | undefined => {
  const line = page.split('\n').find((text) => text.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('GatewayMetrics', () => {
  it('exposes every recorded call and operation at each scrape, counts accumulating across scrapes', async () => {
    const metrics = new GatewayMetrics(['default', 'eu'], backlog);
    metrics.record('default', 'accepted', 0.002, { accepted: 1, rejected: 0 });
    metrics.record('default', 'partial', 0.004, { accepted: 3, rejected: 2 });
    metrics.record('', 'unauthorized', 0.001);
    let page = await metrics.registry.metrics();
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="default",outcome="accepted"')).toBe(1);
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="default",outcome="partial"')).toBe(1);
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="",outcome="unauthorized"')).toBe(1);
    expect(sample(page, 'cioscale_gateway_operations_total', 'workspace="default",outcome="accepted"')).toBe(4);
    expect(sample(page, 'cioscale_gateway_operations_total', 'workspace="default",outcome="rejected"')).toBe(2);
    expect(sample(page, 'cioscale_gateway_request_duration_seconds_count', 'outcome="accepted"')).toBe(1);

    metrics.record('default', 'accepted', 0.002, { accepted: 1, rejected: 0 });
    metrics.record('eu', 'accepted', 0.002, { accepted: 2, rejected: 0 });
    page = await metrics.registry.metrics();
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="default",outcome="accepted"')).toBe(2);
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="eu",outcome="accepted"')).toBe(1);
    expect(sample(page, 'cioscale_gateway_operations_total', 'workspace="default",outcome="accepted"')).toBe(5);
    expect(sample(page, 'cioscale_gateway_operations_total', 'workspace="eu",outcome="accepted"')).toBe(2);
    // a scrape with nothing new recorded changes nothing
    page = await metrics.registry.metrics();
    expect(sample(page, 'cioscale_gateway_requests_total', 'workspace="default",outcome="accepted"')).toBe(2);
    expect(sample(page, 'cioscale_gateway_operations_total', 'workspace="default",outcome="accepted"')).toBe(5);
  });
});
