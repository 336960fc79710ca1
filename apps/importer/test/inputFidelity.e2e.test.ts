import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { envFor, runCli, useWorkspace } from './helpers.js';

const fixture = (name: string): string => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', name);

describe('cioscale-import sends what the file says, or says why not (CLI against an emulator)', () => {
  const { emulator, dir } = useWorkspace();
  /** A copy of a fixture in a fresh folder, so the state folder lands there. */
  const copy = (name: string): { file: string; folder: string } => {
    const folder = dir();
    const file = join(folder, name);
    copyFileSync(fixture(name), file);
    return { file, folder };
  };

  it('stops a Latin-1 file before sending a replacement character, and imports it with --encoding latin1', async () => {
    const cio = await emulator();
    const { file, folder } = copy('latin1.csv');
    const refused = await runCli([file, '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not valid UTF-8: byte 0xe9 at line 3, column 7/);
    expect(cio.person('u2').state).toBe('unknown');

    const decoded = await runCli([file, '--json', '--encoding', 'latin1', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(decoded.code).toBe(0);
    expect(decoded.json).toMatchObject({ rows: 2, delivered: 2, input: { encoding: 'latin1', delimiter: ',' } });
    expect(cio.person('u2')).toMatchObject({ attributes: { name: 'José', city: 'São Paulo' } });
  });

  it('detects a semicolon-separated file and says so', async () => {
    const cio = await emulator();
    const { file, folder } = copy('semicolon.csv');
    const result = await runCli([file, '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(0);
    expect(result.stderr + result.stdout).toContain("delimiter: ';' (detected from the header line");
    expect(cio.person('u1')).toMatchObject({ attributes: { email: 'u1@example.com', plan: 'pro; annual' } });
  });

  it("writes formula-like cells to the failed-rows file behind a '", async () => {
    const cio = await emulator();
    const { file, folder } = copy('formula-cells.csv');
    const failed = join(folder, 'failed.csv');
    const result = await runCli([file, '--json', '--failed', failed, '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(1);
    const text = readFileSync(failed, 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")",'+1`);
    expect(text).toContain("'@SUM(A1),'-2");
    expect(text).toContain("''=already quoted");
    expect(text).not.toMatch(/(^|,)[=+@-]/m);
  });

  it('refuses a reserved _update column before sending anything, and states what --allow-reserved does', async () => {
    const cio = await emulator();
    const { file, folder } = copy('reserved-update.csv');
    const refused = await runCli([file, '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/reserved attribute "_update".*--allow-reserved _update/);
    expect(cio.stats().requests).toBe(0);

    const allowed = await runCli([file, '--allow-reserved', '_update', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/reserved names: .*_update: sent, allowed by --allow-reserved/);
  });
});
