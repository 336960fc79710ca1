import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from '@cioscale/core';
import { VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsv } from '../src/csvSource.js';
import { FailedRowsWriter } from '../src/failedRows.js';
import { DEFAULT_MAPPING } from '../src/mapping.js';
import { createRowFlow } from '../src/rowFlow.js';
import { RowLedger } from '../src/rowLedger.js';
import { createRowMapper } from '../src/rowMapper.js';
import { RowPlanner } from '../src/rowPlanner.js';
import { RunStamper } from '../src/runStamper.js';
import type { RowRef } from '../src/rowResult.js';

const dir = mkdtempSync(join(tmpdir(), 'cioscale-flow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Imports `count` rows through the real flow into a transport that records each request. */
async function requestsFor(count: number, note: string, maxOperations?: number): Promise<{ sizes: number[]; bytes: number[]; delivered: number }> {
  const path = join(dir, `f${count}-${note.length}-${maxOperations ?? 0}.csv`);
  writeFileSync(path, `id,plan,note\n${Array.from({ length: count }, (_, i) => `u${i},pro,${note}`).join('\n')}\n`);
  const csv = await openCsv(path);
  const failedRows = new FailedRowsWriter(join(dir, 'failed.csv'), csv.header);
  const sizes: number[] = [];
  const bytes: number[] = [];
  // a virtual clock nobody advances: the 100 ms wait never closes a request, only bytes and counts do
  const scheduler = new VirtualTimeScheduler();
  let release: (ref: RowRef) => void = () => undefined;
  const ledger = new RowLedger({ start: 0, failedRows, diff: undefined, release: (ref) => release(ref), onFailure: () => undefined });
  const planner = new RowPlanner(path, createRowMapper(csv.header, DEFAULT_MAPPING, 'id'), { dryRun: false, diff: undefined, refuseRecentEvents: false, stamper: new RunStamper(1_700_000_000) });
  const transport = (batch: Batch) => {
    sizes.push(batch.envelopes.length);
    bytes.push(batch.bytes);
    return Promise.resolve({ status: 200, errors: [] });
  };
  const flow = createRowFlow({ csv, planner, ledger, concurrency: 2, maxOperations, delivery: { transport, concurrency: 2, scheduler } });
  release = flow.release;
  await new Promise<void>((resolve, reject) => flow.results.subscribe({ next: (result) => ledger.settle(result), error: reject, complete: resolve }));
  failedRows.close();
  return { sizes, bytes, delivered: ledger.counts().delivered };
}

describe('createRowFlow', () => {
  it('fills requests by bytes, not by a count of 1,000 operations', async () => {
    const { sizes, delivered } = await requestsFor(3000, 'x');
    expect(delivered).toBe(3000);
    expect(sizes).toEqual([3000]);
  });

  it('closes each request before it passes 480,000 bytes', async () => {
    const { sizes, bytes, delivered } = await requestsFor(3000, 'y'.repeat(300));
    expect(delivered).toBe(3000);
    expect(sizes.length).toBe(3);
    expect(Math.max(...bytes)).toBeLessThanOrEqual(480_000);
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThan(1000);
  });

  it('keeps --batch-size as a cap', async () => {
    const { sizes } = await requestsFor(2500, 'z', 1000);
    expect(sizes).toEqual([1000, 1000, 500]);
  });
});
