import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The threads a source can read in (`--parse-thread`): each module sits beside this file. */
export type SourceWorkerModule = 'csvWorker' | 'pgWorker';

/**
 * The thread's young generation: what a source thread makes (parsed rows, cells) dies as soon as a chunk is
 * posted, so a small one costs no CPU and saves the ~30 MB of RSS V8's default (16 MB semi-spaces) would take.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 };

/**
 * Starts a source's thread. Built: `<module>.js` beside this file. From source (`pnpm run import`, tests):
 * `<module>.ts`, which the thread can only load after registering tsx itself (a worker's `--import` does not
 * reach its entry point).
 */
export function startSourceWorker(module: SourceWorkerModule, workerData: unknown): Worker {
  if (extname(fileURLToPath(import.meta.url)) !== '.ts') return new Worker(new URL(`./${module}.js`, import.meta.url), { workerData, resourceLimits: WORKER_LIMITS });
  // tsx's ESM entry (its CommonJS one cannot register ESM hooks in a thread)
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${module}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData, execArgv: ['--conditions=source'], resourceLimits: WORKER_LIMITS });
}
