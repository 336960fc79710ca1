import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { MonitorScreen } from '../src/components/MonitorScreen.js';
import type { MonitorView } from '../src/model/view.js';
import { busyView, plain } from './support/views.js';

const screen = (view: MonitorView | undefined, width = 100, showDeadLetters = false) =>
  render(<MonitorScreen view={view} selected="default" selectedShard={0} showDeadLetters={showDeadLetters} width={width} budgetStep={10} />);

describe('MonitorScreen', () => {
  it('shows throughput with sparklines, the budget gauge, 429s, retries, latency, the queue with its ETA, and the workers', () => {
    const frame = plain(screen(busyView()).lastFrame());
    expect(frame).toContain('● connected');
    expect(frame).toMatch(/delivered\s+1,000 ops\/s\s+▁█/);
    expect(frame).toMatch(/requests\s+40 req\/s\s+▁█/);
    expect(frame).toMatch(/budget\s+█+ ░+ 40\/100 req\/s/);
    expect(frame).toMatch(/429s\/s 2\.0\s+retries\/s 3\.0\s+rejected\/s 0\s+p50 12 ms\s+p95 48 ms\s+p99 95 ms/);
    expect(frame).toMatch(/▸ 0\s+running\s+4,000\s+0\s+0\s+0\s+0\s+\{cio:default\}:ops:wait/);
    expect(frame).toContain('depth 4,000  trend −1,000/s  ETA 4 s');
    expect(frame).toMatch(/worker-a\s+host-a\s+40\s+600\s+20\s+0 ms ago\s+default/);
    expect(frame).toContain('── workers (2) ');
    expect(frame).toContain('q quit · p pause · ↑↓ queue · +/- budget · tab workspace · d dead letters');
  });

  it('turns the budget gauge red near the limit and keeps it green well below', () => {
    const red = '\u001b[31m';
    const gaugeLine = (requests: number) => (screen(busyView(requests)).lastFrame() ?? '').split('\n').find((line) => line.includes('req/s') && line.includes('budget')) ?? '';
    expect(gaugeLine(98)).toContain(red);
    expect(gaugeLine(40)).not.toContain(red);
  });

  it('says when the fleet is backing off after 429s and while a queue is paused', () => {
    const view = busyView(40, {
      budget: { ceiling: 100, rate: 50, burst: 10, tokens: 0, pausedUntil: 0 },
      queues: [{ shard: 0, waitList: '{cio:default}:ops:wait', paused: true, counts: { waiting: 4_000, prioritized: 0, paused: 0, active: 0, delayed: 0, failed: 0, completed: 0 } }],
    });
    const frame = plain(screen(view).lastFrame());
    expect(frame).toContain('backing off: 50 req/s');
    expect(frame).toMatch(/▸ 0\s+PAUSED/);
  });

  it('summarises dead-letter reasons, and lists the records with d', () => {
    const deadLetters = {
      count: 3,
      recent: [
        { id: 'id-2', status: 'rejected' as const, reason: 'too_long', field: 'attributes.note', message: 'value is 1200 bytes, the limit is 1000', deadAt: 2_000 },
        { id: 'id-1', status: 'rejected' as const, reason: 'too_long', message: 'event name is 120 bytes', deadAt: 1_000 },
        { id: 'id-0', status: 'failed' as const, reason: 'CIO_TRANSPORT_TIMEOUT', message: 'no answer in 30 s', deadAt: 500 },
      ],
    };
    const view = busyView(40, { deadLetters });
    expect(plain(screen(view).lastFrame())).toContain('dead letter 3 recent: too_long ×2 · CIO_TRANSPORT_TIMEOUT ×1');
    const samples = plain(screen(view, 100, true).lastFrame());
    expect(samples).toMatch(/rejected\s+too_long \(attributes\.note\): value is 1200 bytes, the limit is 1000/);
    expect(samples).toMatch(/failed\s+CIO_TRANSPORT_TIMEOUT: no answer in 30 s/);
  });

  it('keeps the figures but says "disconnected" when Redis goes away', () => {
    const view: MonitorView = { ...busyView(), connected: false, error: 'connect ECONNREFUSED 127.0.0.1:6379', at: 7_000 };
    const frame = plain(screen(view).lastFrame());
    expect(frame).toContain('✖ disconnected');
    expect(frame).toContain('Redis unreachable, retrying — last data 5 s ago (connect ECONNREFUSED 127.0.0.1:6379)');
    expect(frame).toContain('1,000 ops/s');
  });

  it('degrades on a narrow terminal: no sparklines, fewer columns, short help, no line wider than the screen', () => {
    const frame = plain(screen(busyView(), 44).lastFrame());
    expect(frame).not.toContain('▁█');
    expect(frame).not.toContain('host-a');
    expect(frame).not.toContain('{cio:default}:ops:wait');
    expect(frame).toContain('worker-a');
    expect(frame).toContain('q quit · p pause · +/- budget · tab · d');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(44);
  });

  it('says it is reading before the first reading, and tells how to get a workspace when there is none', () => {
    expect(plain(screen(undefined).lastFrame())).toBe('cioscale monitor: reading Redis…');
    const empty: MonitorView = { ...busyView(), workspaces: [], workers: [] };
    expect(plain(screen(empty).lastFrame())).toContain('no workspace: start a worker, or pass --workspace');
  });
});
