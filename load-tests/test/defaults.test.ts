import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WORKSPACE } from '@cioscale/emulator';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_BASE_URL, DEFAULT_SITE_ID } from '../lib/config.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('defaults of the load tests', () => {
  it('use the credentials of the emulator’s default workspace', () => {
    expect(`${DEFAULT_SITE_ID}:${DEFAULT_API_KEY}`).toBe(DEFAULT_WORKSPACE);
  });

  it('point at the port `pnpm emulator` listens on by default', () => {
    // The CLI's default port is not exported; its --help states it, and that is what users read.
    const help = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/emulator/src/cli.ts', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    expect(help.status).toBe(0);
    const port = /--port <n>.*\(default (\d+)\)/.exec(help.stdout)?.[1];
    expect(port).toBeDefined();
    expect(DEFAULT_BASE_URL).toBe(`http://127.0.0.1:${port}`);
  });
});
