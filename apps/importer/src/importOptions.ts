import type { Mapping } from './mapping.js';
import type { SourceOptions } from './sourceArgs.js';
import type { SharedBudgetOptions } from './sharedBudget.js';
import type { TargetOptions } from './target.js';

/** Everything an import needs, already validated (see `args.ts`). */
export interface ImportOptions {
  /** The file to import (for a PostgreSQL source, the path its state files are named after). */
  readonly file: string;
  readonly mapping: Mapping;
  /** Identifier column of a people import. @defaultValue 'id' */
  readonly idColumn: string;
  /** `--encoding`: the file's encoding. @defaultValue from a byte-order mark, else strict UTF-8 */
  readonly encoding: string | undefined;
  /** `--delimiter`: `,` `;` tab or `|`. @defaultValue detected from the header line */
  readonly delimiter: string | undefined;
  /** `--allow-reserved`: reserved Customer.io attribute names to send anyway. @defaultValue none */
  readonly allowReserved: readonly string[];
  readonly target: TargetOptions;
  /** Request budget, requests/s. @defaultValue `CIO_RATE_LIMIT`, else core's `DEFAULT_BUDGET.rate` */
  readonly rate: number;
  /** `--redis`: share the workspace's budget in Redis with the worker fleet. @defaultValue an in-process budget of `rate` */
  readonly sharedBudget?: SharedBudgetOptions;
  /** Requests in flight (and keep-alive sockets). @defaultValue 8 */
  readonly concurrency: number;
  /**
   * Most operations per batch request. Requests are filled up to Customer.io's 500 KB (480,000 bytes of
   * body) either way; this only caps the count. @defaultValue no cap
   */
  readonly batchSize: number | undefined;
  /**
   * `--parse-thread`: csv-parse runs in a worker thread for files of `THREAD_MIN_BYTES` and more. Off by
   * default: it saves main-thread CPU but keeps the read-ahead window full, which costs peak RSS (docs/benchmarks.md).
   * @defaultValue false
   */
  readonly parseThread?: boolean;
  /** Attempts per request before its rows count as failed and the import stops. @defaultValue core's `DEFAULT_RETRY.maxAttempts` */
  readonly maxAttempts: number;
  /** Per-request timeout, ms. @defaultValue 10_000 */
  readonly timeoutMs: number;
  /** Import at most this many data rows. */
  readonly limit: number | undefined;
  readonly dryRun: boolean;
  /** `--no-recent-events`: reject events that could trigger campaigns instead of sending them. */
  readonly refuseRecentEvents: boolean;
  readonly resume: boolean;
  readonly diff: boolean;
  /** Folder of the checkpoint and diff store. @defaultValue `.cioscale/` next to the file */
  readonly stateDir: string | undefined;
  /** Failed-rows CSV. @defaultValue `<stateDir>/<file name>.failed.csv` */
  readonly failedPath: string | undefined;
  /** After Ctrl-C, how long in-flight requests may take before the run stops anyway, ms. @defaultValue 15_000 */
  readonly graceMs: number;
  /** Where rows come from (`sourceArgs.ts`); `file` then names the state files. @defaultValue a CSV file */
  readonly source?: SourceOptions;
  /** `--every`: run the same import again on this interval, ms (`syncLoop.ts`). */
  readonly every?: number | undefined;
}
