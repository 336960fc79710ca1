import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/args.js';
import { checkSyncOptions, isSyncCommand } from '../src/syncCommand.js';

const URL = 'postgres://app@127.0.0.1:5432/crm';

/** `sync …` as the CLI reads it: the import's flags, then the sync rule. */
async function sync(argv: readonly string[]): Promise<Awaited<ReturnType<typeof parseCli>>> {
  expect(isSyncCommand(['sync', ...argv])).toBe(true);
  const request = await parseCli(argv, {});
  checkSyncOptions(request.options);
  return request;
}

describe('sync command', () => {
  it('a PostgreSQL sync by cursor, looping with --every', async () => {
    const { options } = await sync([URL, '--table', 'people', '--cursor', 'updated_at', '--every', '15m']);
    expect(options.source).toMatchObject({ kind: 'postgres', table: 'people', cursor: 'updated_at' });
    expect(options.every).toBe(15 * 60_000);
  });

  it('runs once without --every (for cron), and --diff alone is incremental too, for a file as well', async () => {
    expect((await sync([URL, '--query', 'select * from people', '--diff'])).options.every).toBeUndefined();
    const { options } = await sync(['people.csv', '--diff', '--every', '1d']);
    expect(options).toMatchObject({ diff: true, every: 86_400_000, source: { kind: 'csv' } });
  });

  it('refuses a sync that cannot tell new rows from old, naming both ways', async () => {
    await expect(sync([URL, '--table', 'people', '--every', '15m'])).rejects.toThrow(
      'sync must be given --cursor <column> (read only rows past the last one synced, e.g. --cursor updated_at) or --diff',
    );
    await expect(sync(['people.csv'])).rejects.toThrow('sync must be given --diff with a file source');
    // --cursor on a file is the import's own error
    await expect(sync(['people.csv', '--cursor', 'updated_at'])).rejects.toThrow('--cursor must be used with a postgres:// source');
  });

  it('only the first word is the command: a file named sync is ./sync', () => {
    expect(isSyncCommand(['./sync'])).toBe(false);
    expect(isSyncCommand(['people.csv', 'sync'])).toBe(false);
  });
});
