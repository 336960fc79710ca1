import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeOf } from '@cioscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { lockState } from '../src/stateLock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('one sync of a source at a time', () => {
  it('refuses while a live process holds the lock, takes over the lock of a process that is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cioscale-lock-'));
    dirs.push(dir);
    const path = join(dir, 'test.people.lock');
    // pid 1 is always alive
    writeFileSync(path, '1\n');
    let refused: unknown;
    try {
      lockState(path);
    } catch (error) {
      refused = error;
    }
    expect(codeOf(refused)).toBe('CIO_IMPORT_CHECKPOINT');
    expect((refused as Error).message).toContain('another import of this source is running (pid 1');

    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path, `${gone}\n`);
    const release = lockState(path);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(path)).toBe(false);
  });
});
