import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/latencyHistogram.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5];
const NAME = 'cioscale_gateway_request_duration_seconds';
const HELP = 'Time from a call received to its answer written, by outcome.';

describe('LatencyHistogram', () => {
  it("exposes the same lines as prom-client's own Histogram for the same observations, bounds included", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const histogram = new LatencyHistogram(NAME, HELP, BUCKETS, ours);
    const reference = new Histogram({ name: NAME, help: HELP, labelNames: ['outcome'], buckets: BUCKETS, registers: [theirs] });
    const observations: [string, number][] = [['accepted', 0.0004], ['accepted', 0.001], ['accepted', 0.0011], ['invalid', 0.3], ['accepted', 7], ['unauthorized', 0.05], ['accepted', 0.02]];
    for (const [outcome, seconds] of observations) {
      histogram.observe(outcome, seconds);
      reference.observe({ outcome }, seconds);
    }
    const lines = (page: string): string[] => page.split('\n').filter(Boolean).sort();
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
    histogram.reset();
    reference.reset();
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
  });
});
