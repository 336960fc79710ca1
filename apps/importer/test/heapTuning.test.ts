import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tuneHeapForStreaming } from '../src/heapTuning.js';

describe('tuneHeapForStreaming', () => {
  it('applies the importer’s heap growth unless node was started with its own --heap-growing-percent', () => {
    expect(tuneHeapForStreaming(['--heap-growing-percent=400'])).toBe(false);
    expect(tuneHeapForStreaming(['--enable-source-maps', '--heap_growing_percent', '50'])).toBe(false);
    expect(tuneHeapForStreaming(['--enable-source-maps'])).toBe(true);
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
