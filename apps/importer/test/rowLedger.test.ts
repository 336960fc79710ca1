import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identify, track } from '@cioscale/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FailedRowsWriter } from '../src/failedRows.js';
import { RowLedger } from '../src/rowLedger.js';
import type { RowResult } from '../src/rowResult.js';

const dir = mkdtempSync(join(tmpdir(), 'cioscale-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW_MS = 1_800_000_000_000;

function ledger(name: string) {
  const failedRows = new FailedRowsWriter(join(dir, name), ['id']);
  const released: number[] = [];
  const failures: number[] = [];
  const book = new RowLedger({ start: 0, failedRows, diff: undefined, release: (ref) => released.push(ref.row), onFailure: (row) => failures.push(row), now: () => NOW_MS });
  return { book, failedRows, released, failures };
}

const ref = (row: number) => ({ row, cells: [`u${row}`] });
const op = identify('u', { plan: 'pro' });

describe('RowLedger', () => {
  it('counts every row read once, by fate, and the counts add up to the rows read', () => {
    const statuses = ['delivered', 'rejected', 'failed', 'skipped', 'valid', 'unsettled'] as const;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 60 }), (fates) => {
        const { book, failedRows } = ledger(`p${Math.random()}.csv`);
        fates.forEach((fate, index) => {
          book.rowRead();
          if (fate === 'unsettled') return;
          const r = ref(index + 1);
          const result: RowResult =
            fate === 'rejected'
              ? { status: fate, ref: r, rejection: { origin: 'local', reason: 'x', message: 'm' } }
              : fate === 'failed'
                ? { status: fate, ref: r, error: new Error('down'), operation: op }
                : { status: fate, ref: r, operation: op };
          book.settle(result);
        });
        failedRows.close();
        const c = book.counts();
        expect(c.rows).toBe(fates.length);
        expect(c.delivered + c.rejected + c.failed + c.skipped + c.valid + c.pending).toBe(c.rows);
        expect(c.pending).toBe(fates.filter((f) => f === 'unsettled').length);
      }),
      { numRuns: 50 },
    );
  });

  it('writes rejected rows, holds the watermark before a failed one, and releases every settled row', () => {
    const { book, failedRows, released, failures } = ledger('w.csv');
    for (let i = 0; i < 4; i++) book.rowRead();
    book.settle({ status: 'delivered', ref: ref(1), operation: op });
    book.settle({ status: 'rejected', ref: ref(3), rejection: { origin: 'customerio', reason: 'required', field: 'identifiers.id', message: 'missing' } });
    book.settle({ status: 'failed', ref: ref(2), error: new Error('HTTP 503'), operation: op });
    book.settle({ status: 'failed', ref: ref(4), error: new Error('HTTP 503'), operation: op });
    failedRows.close();
    expect(book.rowsDone).toBe(1);
    expect(failures).toEqual([2]);
    expect(released.sort()).toEqual([1, 2, 3, 4]);
    expect(book.rejectedByReason()).toEqual({ required: 1 });
    // row 3 waits behind row 2, which has no outcome the checkpoint can keep
    expect(readFileSync(join(dir, 'w.csv'), 'utf8')).toBe('id,cioscale_error\n');
  });

  it('counts identifies, update-only rows and events by age, calling out the recent ones', () => {
    const { book } = ledger('i.csv');
    const now = NOW_MS / 1000;
    const results: RowResult[] = [
      { status: 'valid', ref: ref(1), operation: identify('a', { _update: true }) },
      { status: 'delivered', ref: ref(2), operation: identify('b', { plan: 'pro' }) },
      { status: 'valid', ref: ref(3), operation: track('a', 'x') },
      { status: 'valid', ref: ref(4), operation: track('a', 'x', undefined, { timestamp: now - 3600 }) },
      { status: 'valid', ref: ref(5), operation: track('a', 'x', undefined, { timestamp: now - 5 * 86_400 }) },
      { status: 'valid', ref: ref(6), operation: track('a', 'x', undefined, { timestamp: now - 90 * 86_400 }) },
      { status: 'skipped', ref: ref(7), operation: track('a', 'x') },
    ];
    for (const result of results) {
      book.rowRead();
      book.settle(result);
    }
    expect(book.impact()).toEqual({ identifies: 2, events: 4, updateOnly: 1, eventsByAge: { none: 1, future: 0, within72h: 1, within30d: 1, older: 1 }, recentEvents: 2 });
  });
});
