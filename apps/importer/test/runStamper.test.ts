import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identify, track, type Envelope, type Operation } from '@cioscale/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffStore } from '../src/diffStore.js';
import { DEFAULT_MAPPING } from '../src/mapping.js';
import { createRowMapper } from '../src/rowMapper.js';
import { RowPlanner } from '../src/rowPlanner.js';
import type { RowRef, RowResult } from '../src/rowResult.js';
import { MAX_STAMP_OFFSET_SECONDS, RunStamper } from '../src/runStamper.js';

const RUN = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'cioscale-stamp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const timestampOf = (operation: Operation): number | undefined => ('timestamp' in operation ? operation.timestamp : undefined);

describe('RunStamper', () => {
  it("stamps every person's first row with the run's time and each later row of the same person one second newer", () => {
    const stamper = new RunStamper(RUN);
    const stamps = [identify('42', { plan: 'a' }), identify('7', { plan: 'x' }), identify('42', { plan: 'b' }), identify('42', { plan: 'c' }), identify('8', {})].map((op) => timestampOf(stamper.stamp(op)));
    expect(stamps).toEqual([RUN, RUN, RUN + 1, RUN + 2, RUN]);
  });

  it('leaves events, identifies with a timestamp and rows carrying _timestamp as the file says', () => {
    const stamper = new RunStamper(RUN);
    const event = track('42', 'signed_up');
    const own: Operation = { ...identify('42', { plan: 'a' }), timestamp: 1_600_000_000 };
    const underscore = identify('42', { _timestamp: 1_600_000_000 });
    expect(stamper.stamp(event)).toBe(event);
    expect(stamper.stamp(own)).toBe(own);
    expect(stamper.stamp(underscore)).toBe(underscore);
    // none of them counted as an earlier row of person 42
    expect(timestampOf(stamper.stamp(identify('42', { plan: 'b' })))).toBe(RUN);
  });

  it('never stamps more than a minute after the run started, however often a person repeats', () => {
    const stamper = new RunStamper(RUN);
    const last = Array.from({ length: 500 }, (_, i) => timestampOf(stamper.stamp(identify('42', { n: i })))).pop();
    expect(last).toBe(RUN + MAX_STAMP_OFFSET_SECONDS);
  });

  it('a resumed run that observes the skipped rows stamps the rest as the first run did', () => {
    const rows = ['1', '2', '1', '3', '1', '2'].map((id, n) => identify(id, { n }));
    const first = new RunStamper(RUN);
    const once = rows.map((op) => timestampOf(first.stamp(op)));
    const resumed = new RunStamper(RUN);
    for (const op of rows.slice(0, 3)) resumed.observe(op);
    expect(rows.slice(3).map((op) => timestampOf(resumed.stamp(op)))).toEqual(once.slice(3));
  });
});

describe('RowPlanner stamping', () => {
  const header = ['id', 'plan'];
  const plannerAt = (runSeconds: number, diff?: DiffStore) =>
    new RowPlanner(join(dir, 'people.csv'), createRowMapper(header, DEFAULT_MAPPING, 'id'), { dryRun: false, diff, refuseRecentEvents: false, stamper: new RunStamper(runSeconds) });
  const envelopeOf = (value: Envelope<RowRef> | RowResult): Envelope<RowRef> => {
    if (!('bytes' in value)) throw new Error(`expected an envelope, got ${value.status}`);
    return value;
  };

  it("sends the stamp and counts it in the request's bytes", () => {
    const envelope = envelopeOf(plannerAt(RUN).plan({ row: 1, cells: ['42', 'pro'] }));
    expect(envelope.operation).toEqual({ type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { plan: 'pro' }, timestamp: RUN });
    expect(envelope.bytes).toBe(Buffer.byteLength(JSON.stringify(envelope.operation)));
  });

  it('--diff: a row delivered in one run is unchanged in the next, whose time differs', () => {
    const { store } = DiffStore.load(join(dir, 'none.diff'), 'target');
    const delivered = envelopeOf(plannerAt(RUN, store).plan({ row: 1, cells: ['42', 'pro'] }));
    store.record(delivered.source.diff!);
    expect(plannerAt(RUN + 3600, store).plan({ row: 1, cells: ['42', 'pro'] })).toMatchObject({ status: 'skipped' });
    expect(plannerAt(RUN + 3600, store).plan({ row: 1, cells: ['42', 'team'] })).toHaveProperty('bytes');
  });
});
