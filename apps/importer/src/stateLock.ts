import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CheckpointError } from './errors.js';

/**
 * One run at a time per source and state folder: a sync started by cron while last night's is still going
 * would read the same rows and write the same checkpoint. The lock is a file holding the owner's pid,
 * created exclusively; a lock whose process is gone (killed with -9) is taken over.
 *
 * @returns the release function
 * @throws {@link CheckpointError} (`CIO_IMPORT_CHECKPOINT`) while another live process holds it
 */
export function lockState(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new CheckpointError(`cannot create the lock ${path}: ${(error as Error).message}`);
    }
    const owner = Number.parseInt(readText(path), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new CheckpointError(`another import of this source is running (pid ${owner}, lock ${path}); it is not started twice`);
    }
    // the owner is gone: its checkpoint is what --resume continues from
    rmSync(path, { force: true });
  }
  throw new CheckpointError(`cannot take the lock ${path}: another import keeps creating it`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
