import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, PRETENURING_FLAG, tuneHeapForStreaming, YOUNG_GENERATION_FLAG } from '../src/heapTuning.js';
import { REPO_ROOT } from './helpers.js';

describe('tuneHeapForStreaming', () => {
  it('applies the importer’s heap growth and pretenuring unless node was started with its own value of each', () => {
    const growth = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
    expect(tuneHeapForStreaming(['--heap-growing-percent=400'])).toEqual([PRETENURING_FLAG]);
    expect(tuneHeapForStreaming(['--enable-source-maps', '--heap_growing_percent', '50'])).toEqual([PRETENURING_FLAG]);
    expect(tuneHeapForStreaming(['--allocation-site-pretenuring'])).toEqual([growth]);
    expect(tuneHeapForStreaming(['--no_allocation_site_pretenuring', '--heap-growing-percent=150'])).toEqual([]);
    expect(tuneHeapForStreaming(['--enable-source-maps'])).toEqual([growth, PRETENURING_FLAG]);
  });

  it('sets only flags this node’s V8 has (setFlagsFromString would ignore an unknown one silently)', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toContain('--heap-growing-percent ');
    expect(options).toContain(`--${PRETENURING_FLAG.replace(/^--no-/, '')} `);
    // and node starts with the pretenuring flag as the importer sets it
    const run = spawnSync(process.execPath, [PRETENURING_FLAG, '-e', 'process.stdout.write("started")'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('started');
  });

  it('needs to look only at execArgv: node refuses to start with --heap-growing-percent in NODE_OPTIONS', () => {
    // were this ever allowed, a user's NODE_OPTIONS value would be overridden silently; this test would then fail
    for (const flag of ['--heap-growing-percent=150', '--heap_growing_percent=150']) {
      const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("started")'], { env: { ...process.env, NODE_OPTIONS: flag }, encoding: 'utf8' });
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('is not allowed in NODE_OPTIONS');
      expect(run.status).not.toBe(0);
    }
    // while a flag node does allow there starts it
    const allowed = spawnSync(process.execPath, ['-e', 'process.stdout.write("started")'], { env: { ...process.env, NODE_OPTIONS: '--max-semi-space-size=16' }, encoding: 'utf8' });
    expect(allowed.stdout).toBe('started');
  });
});

describe('the young generation’s launch flag', () => {
  const shebang = readFileSync(join(REPO_ROOT, 'apps/importer/src/cli.ts'), 'utf8').split('\n', 1)[0]!;

  it('is passed by the bin’s shebang and by `pnpm run import`', () => {
    expect(shebang).toBe(`#!/usr/bin/env -S node ${YOUNG_GENERATION_FLAG}`);
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['import']!.startsWith(`node ${YOUNG_GENERATION_FLAG} `)).toBe(true);
  });

  it('is a flag node starts with when env runs the shebang line', () => {
    // what the kernel does with the bin: `env -S "node <flags>" <script>`, with this node first on PATH
    const line = shebang.replace(/^#!\/usr\/bin\/env -S /, '');
    const run = spawnSync('/usr/bin/env', ['-S', `${line} -p process.execArgv[0]`], {
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(YOUNG_GENERATION_FLAG);
  });
});
