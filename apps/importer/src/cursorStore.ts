import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckpointError } from './errors.js';
import type { StatePaths } from './checkpoint.js';

/**
 * What `--cursor` remembers between runs (`<name>.cursor.json` in the state folder, next to the
 * checkpoint): the position of the last row settled, as PostgreSQL's text of `[cursor, key]`. The next run
 * selects only rows past it. It is rewritten after every checkpoint, so a run killed half way leaves the
 * position of its last checkpoint: `--resume` continues from the checkpoint (which holds the same
 * position, atomically with the failed-rows file's size), a new run from here.
 */
export interface CursorState {
  readonly version: 1;
  /** The source (URL without password, and the table or a hash of the query) and its columns. */
  readonly source: string;
  readonly cursor: string;
  readonly key: string;
  readonly position: readonly string[];
  readonly updatedAt: string;
}

/** Where the cursor of a run lives. */
export function cursorPath(paths: StatePaths, name: string): string {
  return join(paths.dir, `${name}.cursor.json`);
}

/**
 * The position to continue after, or `undefined` on a first sync.
 * @throws {@link CheckpointError} when the file is damaged or was written for another source or columns
 */
export function readCursor(path: string, expected: Pick<CursorState, 'source' | 'cursor' | 'key'>): readonly string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read the cursor ${path}: ${(error as Error).message}`);
  }
  let state: CursorState;
  try {
    state = JSON.parse(text) as CursorState;
     
    if (state.version !== 1 || !Array.isArray(state.position)) throw new Error('unknown format');
  } catch (error) {
    throw new CheckpointError(`the cursor ${path} is damaged (${(error as Error).message}); delete it to sync every row again`);
  }
  for (const field of ['source', 'cursor', 'key'] as const) {
    if (state[field] !== expected[field]) {
      throw new CheckpointError(`the cursor ${path} was written for ${field} ${JSON.stringify(state[field])}, not ${JSON.stringify(expected[field])}; use another --state-dir, or delete it to sync every row again`);
    }
  }
  return state.position as readonly string[];
}

/** Writes the cursor atomically (a temporary file renamed over the old one). */
export function writeCursor(path: string, state: Omit<CursorState, 'version' | 'updatedAt'>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(temporary, path);
}
