/**
 * A sentence for a file that cannot be opened, instead of a bare `ENOENT`: the path tried (absolute, since
 * a relative one may have been resolved from another folder than the user thought), the code, what it means.
 */
export function fileProblem(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const meaning = code === undefined ? undefined : MEANINGS[code];
  if (code === undefined) return `cannot read ${path}: ${(error as Error).message}`;
  return `cannot read ${path}: ${code}${meaning ? ` (${meaning})` : ''}`;
}

const MEANINGS: Readonly<Record<string, string>> = {
  ENOENT: 'there is no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'too many symbolic links',
};
