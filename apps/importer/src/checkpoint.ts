import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointError } from './errors.js';

/** What is persisted about a run; only rows with a known outcome count. */
export interface Checkpoint {
  readonly version: 1;
  /** The input, to refuse resuming against a different or changed file. */
  readonly file: { readonly path: string; readonly size: number; readonly mtimeMs: number };
  /** Every data row up to this one has an outcome (delivered, rejected, failed or skipped). */
  readonly rowsDone: number;
  /** Size of the failed-rows file holding exactly the failed rows up to `rowsDone`. */
  readonly failedBytes: number;
  /**
   * The run's time, unix seconds: identifies without a timestamp are stamped from it (see `RunStamper`),
   * and a resumed run keeps it. Absent in checkpoints written before runs were stamped.
   */
  readonly runSeconds?: number;
  /** True once the whole file was processed. */
  readonly complete: boolean;
  /** A PostgreSQL source: the position (`[cursor, key]` or `[key]`) of row `rowsDone`, where a resume selects from. */
  readonly position?: readonly string[];
  readonly updatedAt: string;
}

/** Paths of a run's state files in the state folder (default `.cioscale/` next to the input). */
export interface StatePaths {
  readonly dir: string;
  readonly checkpoint: string;
  readonly diff: string;
}

/** Where the checkpoint and diff store of `input` live. */
export function statePaths(input: string, stateDir?: string): StatePaths {
  const dir = resolve(stateDir ?? join(dirname(input), '.cioscale'));
  const name = basename(input);
  return { dir, checkpoint: join(dir, `${name}.checkpoint.json`), diff: join(dir, `${name}.diff.bin`) };
}

/** Identity of the input as a checkpoint records it. */
export function fileIdentity(input: string): Checkpoint['file'] & { readonly directory: boolean } {
  const stats = statSync(input);
  return { path: resolve(input), size: stats.size, mtimeMs: Math.floor(stats.mtimeMs), directory: stats.isDirectory() };
}

/** Reads a checkpoint, or `undefined` when there is none. @throws {@link CheckpointError} when it is unreadable */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Checkpoint;
    if (parsed.version !== 1 || !Number.isInteger(parsed.rowsDone)) throw new Error('unknown format');
    return parsed;
  } catch (error) {
    throw new CheckpointError(`checkpoint ${path} is damaged (${(error as Error).message}); delete it to start over`);
  }
}

/**
 * Writes a checkpoint atomically: a temporary file renamed over the old one, so a crash in the middle
 * leaves either the old checkpoint or the new one, never half of one.
 */
export function writeCheckpoint(path: string, checkpoint: Omit<Checkpoint, 'version' | 'updatedAt'>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, ...checkpoint, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(temporary, path);
}
