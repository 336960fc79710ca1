import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, runCli, useWorkspace, writeCsv } from './helpers.js';

const quiet = ['--json', '--progress', 'none'];

describe('JSON Lines source', () => {
  const { emulator, dir } = useWorkspace();

  it('malformed lines are rejected with their line numbers, written back as JSON Lines; the rest are delivered with nested values kept', async () => {
    const lines = [
      JSON.stringify({ id: 'u1', plan: 'pro', zip: '02134', profile: { city: 'Lyon', langs: ['fr', 'en'] }, seats: 3, vip: true }),
      '{"id": "u2", "plan": "free", ', // cut short
      '{"id": "u3", "plan": null, "seats": 12345678901234567}', // more digits than a double keeps
      '[1, 2, 3]',
      '',
      JSON.stringify({ plan: 'pro', seats: 1 }), // no id
      JSON.stringify({ id: 42, note: 'line 7', big: 9007199254740991 }),
    ];
    const folder = dir();
    const file = writeCsv(folder, 'people.ndjson', `${lines.join('\r\n')}\n`);
    const cio = await emulator();
    const state = join(folder, 'state');
    const result = await runCli([file, '--state-dir', state, ...quiet], envFor(cio));

    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ rows: 7, delivered: 2, rejected: 5, rejectedByReason: { malformed_line: 3, invalid_value: 1, missing_identifier: 1 } });
    expect(cio.person('u1')).toMatchObject({ attributes: { plan: 'pro', zip: '02134', profile: { city: 'Lyon', langs: ['fr', 'en'] }, seats: 3, vip: true } });
    expect(cio.person('42')).toMatchObject({ attributes: { note: 'line 7', big: 9007199254740991 } });

    const failed = readFileSync(join(state, 'people.ndjson.failed.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(failed.map((row) => row['cioscale_error'])).toEqual([
      expect.stringMatching(/^line 2: local: malformed_line: not valid JSON \(/),
      'line 3: local: invalid_value: a number has more digits than a JSON number keeps exactly (a double rounds it to 12345678901234568); quote it in the file to send the exact digits as a string',
      'line 4: local: malformed_line: the line is an array, not a JSON object',
      'line 5: local: malformed_line: the line is empty: expected a JSON object',
      'line 6: local: missing_identifier: column "id" is empty',
    ]);
    expect(failed[0]).toMatchObject({ cioscale_line: '{"id": "u2", "plan": "free", ' });
    expect(failed[1]).toMatchObject({ cioscale_line: lines[2] });
    expect(failed[4]).toMatchObject({ plan: 'pro', seats: 1 });

    // the same file again with --diff twice: the second run sends nothing
    const first = await runCli([file, '--state-dir', state, '--diff', ...quiet], envFor(cio));
    const second = await runCli([file, '--state-dir', state, '--diff', ...quiet], envFor(cio));
    expect(first.json).toMatchObject({ delivered: 2 });
    expect(second.json).toMatchObject({ delivered: 0, skipped: 2, rejected: 5 });
  });
});
