import { setFlagsFromString } from 'node:v8';

/**
 * How much V8's old generation may grow, in % of what survived the last full collection, before the next one.
 *
 * An import promotes most of what it allocates per row: rows and their envelopes wait in the read-ahead window
 * through many scavenges, and once settled they are old garbage that only a full collection frees (each ~480 KB
 * request body string joins them in the large-object space). With V8's own growing factor (up to 4× on a machine with a large heap limit) tens of MB of it wait.
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
 * V8's allocation-site pretenuring, switched off: after ~1.3M rows (~1,000 requests, whatever the speed) V8
 * decides that some per-row allocation site survives and allocates it in the old generation from then on. What
 * such an old object points to (young rows and envelopes) then outlives every scavenge, the share of allocation
 * promoted rises from ~2 % to ~25 %, full collections come 3× as often and the old generation's committed size
 * grows: that, not anything retained (the live set stays ~20 MB), is why a 5M-row import peaked ~30 MB above a
 * 1M-row one. Off, the 5M-row import peaks where the 1M-row one does, for less CPU (docs/benchmarks.md, session 7,
 * "why the peak grows with the file"). Node 20 and 24 both have the flag; heapTuning.test.ts checks it exists,
 * because `setFlagsFromString` ignores an unknown one silently.
 */
export const PRETENURING_FLAG = '--no-allocation-site-pretenuring';

/**
 * Applies {@link HEAP_GROWING_PERCENT} and {@link PRETENURING_FLAG} to this process, each unless node was started
 * with its own value of that flag (in `execArgv`), which then wins. `execArgv` is the only place the growing
 * percent can be: node refuses to start with it in `NODE_OPTIONS` ("is not allowed in NODE_OPTIONS", Node 20 and
 * 24; heapTuning.test.ts). V8 reads both flags as it goes (the growing percent at every full collection, the
 * pretenuring one whenever it weighs an allocation site's feedback), so setting them after start takes effect
 * from then on. Returns the flags it applied.
 */
export function tuneHeapForStreaming(execArgv: readonly string[] = process.execArgv): readonly string[] {
  const given = (name: string): boolean =>
    execArgv.some((arg) => {
      const flag = arg.replace(/_/g, '-');
      return flag.startsWith(`--${name}`) || flag.startsWith(`--no-${name}`);
    });
  const applied: string[] = [];
  if (!given('heap-growing-percent')) applied.push(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (!given('allocation-site-pretenuring')) applied.push(PRETENURING_FLAG);
  for (const flag of applied) setFlagsFromString(flag);
  return applied;
}
