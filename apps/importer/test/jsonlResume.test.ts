import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FailedJsonLinesWriter } from '../src/failedJsonLines.js';
import { openJsonLines } from '../src/jsonlSource.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cioscale-jsonl-'));
  dirs.push(dir);
  return dir;
}

describe('JSON Lines resume', () => {
  it('a resumed read starts after the checkpoint line; the columns still come from the whole file', async () => {
    const file = join(folder(), 'people.jsonl');
    writeFileSync(file, ['{"id":"a"}', '{"id":"b","plan":"pro"}', '{"id":"c"}', '{"id":"d","late":{"x":1}}'].join('\n'));
    const source = await openJsonLines(file, { skip: 2 });
    const rows = [];
    for await (const chunk of source.chunks) rows.push(...chunk);
    expect(source.header).toEqual(['id', 'plan', 'late']);
    expect(rows).toEqual([
      { row: 3, cells: ['"c"', '', ''] },
      { row: 4, cells: ['"d"', '', '{"x":1}'] },
    ]);
  });

  it('the failed-rows file is cut back to the checkpoint on resume: no line lost or doubled, digits kept', () => {
    const path = join(folder(), 'people.jsonl.failed.jsonl');
    const header = ['id', 'big'];
    const first = new FailedJsonLinesWriter(path, header, { lineNumbers: true });
    first.add(1, ['"a"', '9007199254740993'], 'local: invalid_value: too many digits');
    first.pass(1);
    const checkpointBytes = first.bytes;
    first.add(2, ['"b"', ''], 'local: missing_identifier: x');
    first.pass(2);
    first.close();
    // killed after row 2 was written but before a checkpoint recorded it: the resume writes row 2 again
    const resumed = new FailedJsonLinesWriter(path, header, { lineNumbers: true, resumeAtBytes: checkpointBytes });
    resumed.add(2, ['"b"', ''], 'local: missing_identifier: x');
    resumed.pass(2);
    resumed.close();
    expect(readFileSync(path, 'utf8')).toBe(
      '{"id":"a","big":9007199254740993,"cioscale_error":"line 1: local: invalid_value: too many digits"}\n' +
        '{"id":"b","cioscale_error":"line 2: local: missing_identifier: x"}\n',
    );
  });
});
