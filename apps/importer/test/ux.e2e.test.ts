import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, envFor, finished, peopleCsv, runCli, SECRET_KEY, spawnCli, useWorkspace, writeCsv } from './helpers.js';

describe('cioscale-import speaks to the person who ran it', () => {
  const { emulator, dir } = useWorkspace();

  it('reads paths relative to the folder `pnpm run import` was started in (INIT_CWD)', async () => {
    const cio = await emulator();
    const folder = dir();
    writeCsv(folder, 'users.csv', peopleCsv(3));
    // what pnpm sets for a root script started from `folder`; the CLI itself runs at the repository root
    const env = { ...envFor(cio), npm_lifecycle_event: 'import', INIT_CWD: folder };
    const result = await finished(spawnCli(['users.csv', '--state-dir', 'state', '--failed', 'failed.csv'], env));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Imported users\.csv → /m);
    expect(cio.stats().sizes.people).toBe(3);
  });

  it('says a folder is a folder, and an unreadable path what it is, before any notice', async () => {
    const folder = dir();
    const result = await runCli([folder], cleanEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read ${folder}: EISDIR (it is a folder, not a file)`);
    expect(result.stderr).not.toContain('NOTHING IS SENT');
    const missing = await runCli([join(folder, 'nope.csv')], cleanEnv());
    expect(missing.stderr).toContain('ENOENT (there is no such file)');
  });

  it('shows the whole CIO_TRACK_URL it refuses, with the likely fix and credentials masked', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(1));
    const bare = await runCli([file], { ...cleanEnv(), CIO_TRACK_URL: 'localhost:4100' });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('CIO_TRACK_URL must be an http:// or https:// URL such as http://127.0.0.1:4100; received "localhost:4100" (did you mean "http://localhost:4100"?)');
    const secret = await runCli([file], { ...cleanEnv(), CIO_TRACK_URL: `http://site:${SECRET_KEY}@127.0.0.1:4100/?key=${SECRET_KEY}` });
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('received "http://***@127.0.0.1:4100/?key=***"');
    expect(secret.stderr).not.toContain(SECRET_KEY);
  });
});
