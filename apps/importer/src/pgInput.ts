import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { ConfigurationError } from '@cioscale/core';
import { readCheckpoint, type Checkpoint, type StatePaths } from './checkpoint.js';
import { cursorPath, readCursor, writeCursor } from './cursorStore.js';
import { CheckpointError } from './errors.js';
import type { ImportOptions } from './importOptions.js';
import type { OpenedInput } from './openInput.js';
import { openPostgres } from './pgSource.js';
import { openPostgresInThread } from './pgThread.js';
import { maskPostgresUrl } from './pgUrl.js';
import type { ProgressReporter } from './progress.js';
import { createRowMapper } from './rowMapper.js';
import type { SourceOptions } from './sourceArgs.js';
import { lockState } from './stateLock.js';
import { RunStamper } from './runStamper.js';

type PostgresOptions = Extract<SourceOptions, { kind: 'postgres' }>;

/**
 * Opens a PostgreSQL source for an import: decides where to read from — after a resumed checkpoint's
 * position, after the `--cursor` file's position (an incremental sync), or from the first row — then
 * opens the cursor and plans the columns, like `openInput` does for a file.
 *
 * Every read is in key order and continues after a position, never after a row count, so a resume
 * neither skips nor repeats a row even when rows were inserted or updated meanwhile.
 *
 * @throws {@link PostgresSourceError} when the database or the query fails, {@link CheckpointError} when
 * the checkpoint or cursor belongs to another source, a `ConfigurationError` for a missing `--key`
 */
export async function openPostgresInput(options: ImportOptions, source: PostgresOptions, paths: StatePaths, reporter: ProgressReporter): Promise<OpenedInput | 'complete'> {
  const key = source.key ?? (options.mapping.kind === 'people' ? options.idColumn : undefined);
  if (key === undefined) throw new ConfigurationError('--key', 'a unique column ordering the rows of an events import (e.g. --key event_id)', '(unset)');
  const described = source.table !== undefined ? `table ${source.table}` : `query ${createHash('sha256').update(source.query ?? '').digest('hex').slice(0, 16)}`;
  const identity: Checkpoint['file'] = { path: `${maskPostgresUrl(source.url)} ${described}`, size: 0, mtimeMs: 0 };
  const cursorFile = cursorPath(paths, basename(options.file));
  const cursorId = source.cursor === undefined ? undefined : { source: identity.path, cursor: source.cursor, key };

  // a dry run writes no state: it may run beside a sync
  const unlock = options.dryRun ? () => undefined : lockState(join(paths.dir, `${basename(options.file)}.lock`));
  try {
    return await openLocked(options, source, paths, reporter, { key, identity, cursorFile, cursorId, unlock });
  } catch (error) {
    unlock();
    throw error;
  }
}

interface Decided {
  readonly key: string;
  readonly identity: Checkpoint['file'];
  readonly cursorFile: string;
  readonly cursorId: { source: string; cursor: string; key: string } | undefined;
  readonly unlock: () => void;
}

async function openLocked(options: ImportOptions, source: PostgresOptions, paths: StatePaths, reporter: ProgressReporter, decided: Decided): Promise<OpenedInput | 'complete'> {
  const { key, identity, cursorFile, cursorId, unlock } = decided;
  const previous = options.dryRun ? undefined : readCheckpoint(paths.checkpoint);
  let resumed: Checkpoint | undefined;
  if (options.resume && previous && previous.file.path !== identity.path) {
    throw new CheckpointError(`--resume: the checkpoint ${paths.checkpoint} is for ${previous.file.path}; run without --resume to start over`);
  }
  if (options.resume && previous && !previous.complete) {
    resumed = previous;
    reporter.notice(`--resume: continuing after row ${previous.rowsDone}${previous.position ? ` (${positionText(source, key, previous.position)})` : ''}`);
  } else if (options.resume && previous?.complete && cursorId === undefined) {
    reporter.notice(`--resume: the checkpoint says all ${previous.rowsDone} rows are done; nothing to send`);
    unlock();
    return 'complete';
  } else if (previous && !previous.complete && !options.resume) {
    reporter.notice(`an unfinished checkpoint exists (${previous.rowsDone} rows done); starting over — use --resume to continue it`);
  }
  const after = resumed ? resumed.position : cursorId ? readCursor(cursorFile, cursorId) : undefined;
  if (!resumed && cursorId) reporter.notice(after ? `--cursor: reading rows past ${positionText(source, key, after)}` : `--cursor: no cursor yet (${cursorFile}); reading every row`);

  // --parse-thread: the connection, pg's parsing and the type mapping run in a thread of their own
  const open = options.parseThread === true ? openPostgresInThread : openPostgres;
  const rows = await open({ url: source.url, query: source.query, table: source.table, cursor: source.cursor, key, after, start: resumed?.rowsDone ?? 0, limit: options.limit });
  try {
    const { rows: expected, counted } = rows.expectedRows;
    reporter.notice(counted ? `PostgreSQL: ${expected.toLocaleString('en-US')} rows to read (counted)` : `PostgreSQL: about ${expected.toLocaleString('en-US')} rows to read (the planner's estimate for a --query, so the progress % is approximate)`);
    if (rows.nullCursorRows > 0) reporter.notice(`⚠ ${rows.nullCursorRows} row(s) have a NULL ${source.cursor} and are not read: a NULL has no place after a cursor position`);
    const mapper = createRowMapper(rows.header, options.mapping, options.idColumn, { allowReserved: options.allowReserved, cells: 'json' });
    return {
      // the progress view divides what was read by `size`: rows here; a resume is matched by `path` alone
      identity: { ...identity, size: expected },
      resumed,
      csv: rows,
      mapper,
      // the rows before a resume's position are not read again, so they are not observed: a person's later
      // rows may then be stamped a second lower than the first run stamped them, which only lets a row the
      // first run delivered stay as delivered (the rows before the position all settled, none is retried)
      stamper: new RunStamper(resumed?.runSeconds ?? Math.floor(Date.now() / 1000)),
      failedFormat: 'jsonl',
      close: async () => {
        await rows.end();
        unlock();
      },
      state: {
        checkpoint: (rowsDone) => {
          const position = rows.positionAt(rowsDone);
          return position ? { position } : {};
        },
        saved: ({ position }) => {
          if (cursorId && position) writeCursor(cursorFile, { ...cursorId, position });
        },
      },
    };
  } catch (error) {
    await rows.end();
    throw error;
  }
}

/** `updated_at 2026-01-01 00:00:00+00, id 42` for a notice. */
function positionText(source: PostgresOptions, key: string, position: readonly string[]): string {
  const names = source.cursor === undefined ? [key] : [source.cursor, key];
  return position.map((value, index) => `${names[index]} ${value}`).join(', ');
}
