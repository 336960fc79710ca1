import { createHash } from 'node:crypto';
import { extname, resolve } from 'node:path';
import { ConfigurationError } from '@cioscale/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isPostgresUrl, maskPostgresUrl } from './pgUrl.js';

/** Where the rows come from. */
export type SourceOptions =
  | { readonly kind: 'csv' }
  | { readonly kind: 'jsonl' }
  | {
      readonly kind: 'postgres';
      /** The connection string, password included: never printed (see `pgUrl.ts`). */
      readonly url: string;
      readonly query: string | undefined;
      readonly table: string | undefined;
      /** `--cursor`: the column an incremental sync continues after. */
      readonly cursor: string | undefined;
      /** `--key`: a unique column ordering the rows. @defaultValue the people id column */
      readonly key: string | undefined;
    };

/** The flags of the JSON Lines and PostgreSQL sources and of `--every`. */
export function addSourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'csv or jsonl (default: .jsonl and .ndjson files are JSON Lines, the rest CSV)').choices(['csv', 'jsonl']))
    .option('--query <sql>', 'PostgreSQL source (postgres://…): the SELECT whose rows are imported')
    .option('--table <name>', 'PostgreSQL source: every row of this table (name or schema.name)')
    .option('--cursor <column>', 'PostgreSQL incremental sync: remember the highest value of this column delivered; the next run reads only rows past it')
    .option('--key <column>', 'PostgreSQL: a unique column that orders the rows and breaks cursor ties (default: the id column)')
    .option('--every <interval>', 'run the same import again every interval (30s, 15m, 1h, 1d); a run never starts while one is in progress', parseInterval);
}

/**
 * The source the command line names, and the path the state files are named after: the input file, or
 * for PostgreSQL `<database>.<table>` (`<database>.query-<hash>`) in the folder the command runs in.
 * @throws {@link ConfigurationError} naming the flag
 */
export function sourceOf(input: string, flags: Record<string, unknown>, from: string): { file: string; source: SourceOptions } {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name]) : undefined);
  const [query, table, cursor, key, format] = [text('query'), text('table'), text('cursor'), text('key'), text('format')];
  if (!isPostgresUrl(input)) {
    for (const [flag, value] of [['--query', query], ['--table', table], ['--cursor', cursor], ['--key', key]] as const) {
      if (value !== undefined) throw new ConfigurationError(flag, 'used with a postgres:// source (it reads a query, not a file)', JSON.stringify(input));
    }
    const extension = extname(input).toLowerCase();
    const kind = format === 'jsonl' || (format === undefined && (extension === '.jsonl' || extension === '.ndjson')) ? 'jsonl' : 'csv';
    return { file: resolve(from, input), source: { kind } };
  }
  const shown = maskPostgresUrl(input);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ConfigurationError('the source', 'a connection string such as postgres://user@127.0.0.1:5432/db', JSON.stringify(shown));
  }
  if (format !== undefined) throw new ConfigurationError('--format', 'used with a file source (a postgres:// source is read as typed rows)', JSON.stringify(format));
  if ((query === undefined) === (table === undefined)) {
    throw new ConfigurationError('--query', 'exactly one of --query <sql> and --table <name> with a postgres:// source', query === undefined ? '(neither)' : '(both)');
  }
  for (const [flag, value] of [['--query', query], ['--table', table], ['--cursor', cursor], ['--key', key]] as const) {
    if (value !== undefined && value.trim() === '') throw new ConfigurationError(flag, 'a non-empty value', '""');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const what = table ?? `query-${createHash('sha256').update(query ?? '').digest('hex').slice(0, 8)}`;
  return { file: resolve(from, `${database}.${what}`.replace(/[^\w.-]/g, '_')), source: { kind: 'postgres', url: input, query, table, cursor, key } };
}

/** `30s`, `15m`, `1h`, `1d`, `500ms` → milliseconds (at least one second). */
export function parseInterval(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : Number.NaN;
  if (!(ms >= 1000)) throw new InvalidArgumentError('expected an interval of at least 1s such as 30s, 15m, 1h or 1d');
  return Math.round(ms);
}
