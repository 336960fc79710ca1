import { ConfigurationError } from '@cioscale/core';
import type { ImportOptions } from './importOptions.js';

/**
 * `cioscale-import sync <source> [flags]` (`pnpm run import sync …`): the reverse-ETL form of an import.
 * It is the same import with the same flags — checkpoint, state lock, `--every` loop — plus one rule: a
 * sync must know what is new since the last run, so it needs `--cursor <column>` (a PostgreSQL source: only
 * rows past the cursor are read) or `--diff` (any source, a file too: every row is read, only changed rows
 * are sent). Without `--every` it runs once, for cron or a systemd timer; with `--every 15m` it loops until
 * Ctrl-C, never starting a run while one is in progress.
 */
export const SYNC_COMMAND = 'sync';

/** The lines `sync --help` prints above the import's flags. */
export const SYNC_USAGE = `Usage: cioscale-import sync <source> (--cursor <column> | --diff) [--every <interval>] [flags]

Sends only what is new since the last run: with --cursor (PostgreSQL), only rows past the highest cursor
value delivered are read; with --diff (any source), only rows that changed are sent. Without --every it
runs once (for cron); with --every 15m it runs again on every interval until Ctrl-C, never two at once.
Every import flag below applies.

  pnpm run import sync postgres://app@db/crm --table people --cursor updated_at --every 1d

`;

/** True when the command line starts with the `sync` command (a file named `sync` is `./sync`). */
export function isSyncCommand(argv: readonly string[]): boolean {
  return argv[0] === SYNC_COMMAND;
}

/**
 * Checks that a sync can tell new rows from old ones.
 * @throws {@link ConfigurationError} naming `sync` and both ways to do it
 */
export function checkSyncOptions(options: ImportOptions): void {
  const source = options.source;
  const postgres = source?.kind === 'postgres';
  if ((postgres && source.cursor !== undefined) || options.diff) return;
  const expected = postgres
    ? 'given --cursor <column> (read only rows past the last one synced, e.g. --cursor updated_at) or --diff (read every row, send only changed ones)'
    : 'given --diff with a file source (every row is read again, only changed rows are sent; --cursor needs a postgres:// source)';
  throw new ConfigurationError('sync', expected, '(neither)');
}
