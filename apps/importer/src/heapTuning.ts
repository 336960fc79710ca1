import { setFlagsFromString } from 'node:v8';

/**
 * How much V8's old generation may grow, in % of what survived the last full collection, before the next one.
 *
 * An import allocates ~80 MB/s of short-lived large buffers: each ~340–480 KB request body is an ArrayBuffer (the
 * Track transport writes it as UTF-8 bytes; until session 6 it was also a JSON string in V8's large-object space),
 * and one that outlived a scavenge is freed only by a full collection. With V8's own growing factor (up to 4× on a machine with a
 * large heap limit) ~60 MB of dead bodies wait for it, which is a third of the importer's peak RSS. At 200 %
 * full collections come about twice as often, each ~10 ms, and the peak falls by ~20–30 MB at no measurable
 * CPU cost; at 150 % or less it falls further but costs 10–25 % more CPU (docs/benchmarks.md).
 */
export const HEAP_GROWING_PERCENT = 200;

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
