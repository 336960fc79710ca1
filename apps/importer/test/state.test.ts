import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { DiffStore } from '../src/diffStore.js';
import { FailedRowsWriter } from '../src/failedRows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cioscale-state-'));
  dirs.push(dir);
  return dir;
}

describe('DiffStore', () => {
  it('remembers fingerprints across save and load, for its own target only', () => {
    const path = join(folder(), 'users.diff.bin');
    const { store } = DiffStore.load(path, 'https://track.customer.io');
    const alice = DiffStore.entryOf('id:alice', '{"plan":"pro"}');
    store.record(alice);
    store.save(path);
    const again = DiffStore.load(path, 'https://track.customer.io').store;
    expect(again.size).toBe(1);
    expect(again.unchanged(alice)).toBe(true);
    expect(again.unchanged(DiffStore.entryOf('id:alice', '{"plan":"free"}'))).toBe(false);
    const other = DiffStore.load(path, 'http://127.0.0.1:4100');
    expect(other.store.size).toBe(0);
    expect(other.note).toMatch(/is for https:\/\/track\.customer\.io/);
  });
});

describe('FailedRowsWriter', () => {
  it('writes lines in row order as the watermark passes, and resumes at a recorded size', () => {
    const path = join(folder(), 'failed.csv');
    const writer = new FailedRowsWriter(path, ['id', 'plan']);
    writer.add(3, ['c', 'x'], 'late');
    writer.add(1, ['a'], 'short, "quoted"');
    writer.pass(1);
    const recorded = writer.bytes;
    writer.pass(2);
    writer.pass(3);
    writer.close();
    expect(parse(readFileSync(path))).toEqual([
      ['id', 'plan', 'cioscale_error'],
      ['a', '', 'short, "quoted"'],
      ['c', 'x', 'late'],
    ]);
    const resumed = new FailedRowsWriter(path, ['id', 'plan'], recorded);
    resumed.close();
    expect(parse(readFileSync(path))).toHaveLength(2);
  });
});
