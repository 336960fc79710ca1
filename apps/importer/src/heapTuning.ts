import { setFlagsFromString } from 'node:v8';

/**
 * How much V8's old generation may grow, in % of what survived the last full collection, before the next one.
 *
 * An import promotes most of what it allocates per row: rows and their envelopes wait in the read-ahead window
 * through many scavenges, and once settled they are old garbage that only a full collection frees (until session 7
 * each ~480 KB request body string joined them in the large-object space; the Track transport now streams bodies in
 * 64 KB chunks). With V8's own growing factor (up to 4× on a machine with a large heap limit) tens of MB of it wait.
 * At 200 % full collections come about twice as often, each ~10 ms, and the peak falls by ~20–30 MB at no measurable
 * CPU cost; at 150 % or less it falls further but costs 10–25 % more CPU (docs/benchmarks.md, sessions 3 and 7).
 */
export const HEAP_GROWING_PERCENT = 200;

/**
 * The young generation's bound, which only a launch flag can set (`v8.setFlagsFromString` after start has no
 * effect on it): the bin's shebang (`#!/usr/bin/env -S node --max-semi-space-size=16`, which pnpm's and npm's
 * bin shims honour too) and the root `import` script pass it. Node 24's V8 sizes each semi-space from the
 * machine's memory, 64 MB on a 24 GB machine: 298 MB peak RSS for a 1M-row import against 208 MB at 16, for no
 * more CPU; 16 is Node 20's own default, so there nothing changes. At 8 the peak falls by another 20–35 MB for
 * 10–20 % more CPU (docs/benchmarks.md, session 7; the decision in docs/architecture.md).
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=16';

/**
 * Applies {@link HEAP_GROWING_PERCENT} to this process, unless node was started with its own
 * `--heap-growing-percent` (in `execArgv`), which then wins. `execArgv` is the only place it can be: node refuses
 * to start with the flag in `NODE_OPTIONS` ("is not allowed in NODE_OPTIONS", Node 20 and 24; heapTuning.test.ts). V8 reads this flag at every full collection,
 * so setting it after start takes effect from the next one. Returns whether it was applied.
 */
export function tuneHeapForStreaming(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
