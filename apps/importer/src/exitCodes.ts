/**
 * Exit codes of `cioscale-import`. Scripts branch on them, so they never change meaning.
 */
export const EXIT_CODES = {
  /** Every row was delivered (or skipped as unchanged by `--diff`). */
  ok: 0,
  /** The run finished but some rows were rejected or failed: see the failed-rows file. */
  rowsNotDelivered: 1,
  /** Nothing useful could happen: bad flags, unreadable file, bad mapping, refused credentials. */
  fatal: 2,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM after writing the checkpoint; `--resume` continues. */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
