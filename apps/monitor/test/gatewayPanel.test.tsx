import { GatewayChannel, type GatewayReport } from '@cioscale/queue';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorScreen } from '../src/components/MonitorScreen.js';
import { MonitorSource } from '../src/model/monitorSource.js';
import type { MonitorView } from '../src/model/view.js';
import { redisFixture, type RedisFixture } from './support/redis.js';
import { busyView, plain } from './support/views.js';

const gatewayReport = (id: string, workspace: Partial<GatewayReport['workspaces'][string]> = {}): GatewayReport => ({
  gatewayId: id,
  host: 'host-g',
  pid: 7,
  startedAt: Date.now() - 10_000,
  unattributedPerSecond: { unauthorized: 1 },
  workspaces: { default: { accepted: 9_000, acceptedOperations: 9_500, refused: { invalid: 30 }, acceptedPerSecond: 450, refusedPerSecond: { invalid: 2, backlog: 10 }, backlog: 90_000, backlogLimit: 100_000, refusing: false, ...workspace } },
});
const screen = (view: MonitorView) => plain(render(<MonitorScreen view={view} selected="default" selectedShard={0} showDeadLetters={false} width={120} budgetStep={10} />).lastFrame());

describe('the gateway line of the monitor', () => {
  it('sums what the gateways accept and refuse (by reason) into the workspace, with the backlog against its limit', () => {
    const frame = screen({ ...busyView(), gateways: [gatewayReport('g1'), gatewayReport('g2', { acceptedPerSecond: 50, refusedPerSecond: { backlog: 5 }, backlog: 91_000 })] });
    expect(frame).toContain('gateway (2) accepted 500 calls/s · refused 17/s (backlog 15, invalid 2.0) · backlog 91,000/100,000');
    expect(frame).not.toContain('answering 429');
  });

  it('says when the gateways answer 429 because the backlog passed its limit', () => {
    expect(screen({ ...busyView(), gateways: [gatewayReport('g1', { refusing: true, backlog: 100_000 })] })).toContain('backlog 100,000/100,000 answering 429');
  });

  it('shows the longest drain ETA against its limit, with the workers’ rate behind it', () => {
    const eta = { maxDrainSeconds: 600, drainPerSecond: 100, drainEtaSeconds: 300 };
    const frame = screen({ ...busyView(), gateways: [gatewayReport('g1', eta), gatewayReport('g2', { ...eta, drainPerSecond: 45, drainEtaSeconds: 2_000 })] });
    expect(frame).toContain('gateway drain ETA 33m 20s at 45 ops/s · limit 10m 00s');
    expect(frame).not.toContain('answering 429');
  });

  it('says when the gateways answer 429 because the drain ETA passed its limit, and when nothing drains', () => {
    const stopped = { refusing: true, refusal: 'drain_eta' as const, maxDrainSeconds: 600, drainPerSecond: 0, drainEtaSeconds: null };
    const frame = screen({ ...busyView(), gateways: [gatewayReport('g1', { ...stopped, drainPerSecond: 10, drainEtaSeconds: 9_000 }), gatewayReport('g2', stopped)] });
    expect(frame).toContain('gateway drain ETA ∞ (workers finish none) · limit 10m 00s past it: answering 429');
  });

  it('marks only the backlog line when the depth is the limit passed', () => {
    const frame = screen({ ...busyView(), gateways: [gatewayReport('g1', { refusing: true, refusal: 'backlog', backlog: 100_000, maxDrainSeconds: 600, drainPerSecond: 100, drainEtaSeconds: 1_000 })] });
    expect(frame).toContain('backlog 100,000/100,000 answering 429');
    expect(frame).toContain('gateway drain ETA 16m 40s at 100 ops/s · limit 10m 00s\n');
  });

  it('leaves the drain ETA out while its limit is off', () => {
    expect(screen({ ...busyView(), gateways: [gatewayReport('g1')] })).not.toContain('drain ETA');
  });

  it('is absent without a gateway', () => {
    expect(screen(busyView())).not.toContain('gateway (');
  });
});

describe('MonitorSource with gateways', () => {
  let fixture: RedisFixture;
  beforeAll(async () => {
    fixture = await redisFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('reads the reports gateways publish on the metrics channel, and forgets a withdrawn one', async () => {
    const channel = new GatewayChannel(fixture.admin, { namespace: fixture.namespace });
    await channel.publish(gatewayReport('g1'));
    const source = new MonitorSource({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: 'default' }] });
    try {
      expect((await source.read()).gateways?.map((gateway) => gateway.gatewayId)).toEqual(['g1']);
      await channel.withdraw('g1');
      expect((await source.read()).gateways).toBeUndefined();
    } finally {
      await source.close();
    }
  });
});
