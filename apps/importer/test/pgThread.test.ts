import { describe, expect, it } from 'vitest';
import type { CsvRow } from '../src/csvSource.js';
import { openPostgres, type PostgresRead, type PostgresSource } from '../src/pgSource.js';
import { openPostgresInThread } from '../src/pgThread.js';
import { PG_PASSWORD, PG_URL, usePostgres } from './pgHelpers.js';

/** Every row's cells, and the position of each row as a checkpoint asks for it after the row settled. */
async function drain(source: PostgresSource): Promise<{ rows: CsvRow[]; positions: (readonly string[] | undefined)[] }> {
  const rows: CsvRow[] = [];
  const positions: (readonly string[] | undefined)[] = [];
  for await (const chunk of source.chunks) {
    for (const row of chunk) {
      rows.push(row);
      positions.push(source.positionAt(row.row));
    }
  }
  await source.end();
  return { rows, positions };
}

describe('the PostgreSQL source in a thread of its own (--parse-thread)', () => {
  const db = usePostgres();

  async function table(rows: number): Promise<string> {
    const { name, sql } = await db.schema();
    await sql(`CREATE TABLE ${name}.people (id bigint PRIMARY KEY, email text, note text, seats integer, score numeric(12,2), signed_up timestamptz,
      tags text[], meta jsonb, ok boolean, updated_at timestamptz NOT NULL)`);
    // every third row non-ASCII (a chunk of UTF-8), NULLs, arrays with NULL elements, ties on updated_at
    await sql(`INSERT INTO ${name}.people SELECT g, 'u' || g || '@example.com', CASE WHEN g % 3 = 0 THEN 'café ☕ "quoted" ' || g WHEN g % 3 = 1 THEN NULL ELSE '' END,
      g % 40, g * 0.25, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', ARRAY['t' || (g % 5), NULL, 'all'],
      jsonb_build_object('tier', g % 3, 'name', 'Zoë'), g % 2 = 0, '2025-01-01 00:00:00+00'::timestamptz + (g / 7) * interval '1 minute'
      FROM generate_series(1, ${rows}) AS g`);
    return `${name}.people`;
  }

  it('reads the same cells and positions as the main thread, across many fetches, with a cursor and its ties', async () => {
    const people = await table(12_000);
    const read: PostgresRead = { url: PG_URL, table: people, cursor: 'updated_at', key: 'id' };
    const [inline, threaded] = [await drain(await openPostgres(read)), await drain(await openPostgresInThread(read))];
    expect(threaded.rows).toHaveLength(12_000);
    expect(threaded.rows).toEqual(inline.rows);
    expect(threaded.positions).toEqual(inline.positions);
    expect(threaded.positions.at(-1)).toEqual(['2025-01-02 04:34:00+00', '12000']);
    // spot checks of the values themselves: NULL left out, UTF-8 intact, JSON cells
    const third = threaded.rows[2]!.cells;
    expect(third[2]).toBe(JSON.stringify('café ☕ "quoted" 3'));
    expect(threaded.rows[0]!.cells[2]).toBe('');
    expect(third[6]).toBe('["t3",null,"all"]');
    expect(JSON.parse(third[7]!)).toEqual({ tier: 0, name: 'Zoë' });
  });

  it('continues after a position with a row limit, counting rows and NULL cursors like the main thread', async () => {
    const people = await table(3_000);
    const read: PostgresRead = { url: PG_URL, table: people, cursor: 'updated_at', key: 'id', after: ['2025-01-01 00:01:00+00', '9'], start: 8, limit: 2_008 };
    const inlineSource = await openPostgres(read);
    const threadedSource = await openPostgresInThread(read);
    expect(threadedSource.expectedRows).toEqual(inlineSource.expectedRows);
    expect(threadedSource.nullCursorRows).toBe(inlineSource.nullCursorRows);
    const [inline, threaded] = [await drain(inlineSource), await drain(threadedSource)];
    expect(threaded.rows.map((row) => row.row)).toEqual(Array.from({ length: 2_000 }, (_, index) => index + 9));
    expect(threaded.rows[0]!.cells[0]).toBe('10');
    expect(threaded).toEqual(inline);
  });

  it('a checkpoint past the rows read gets no position; the last row read still gets its own', async () => {
    const people = await table(5_000);
    const source = await openPostgresInThread({ url: PG_URL, table: people, key: 'id' });
    const iterator = source.chunks[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as CsvRow[];
    const lastRead = first.at(-1)!.row;
    expect(source.positionAt(lastRead + 100)).toBeUndefined();
    expect(source.positionAt(lastRead)).toEqual([String(lastRead)]);
    await iterator.return?.(undefined);
    await source.end();
  });

  it('stopped part way: the connection is closed and the server holds no session of the import', async () => {
    const people = await table(20_000);
    const source = await openPostgresInThread({ url: PG_URL, table: people, key: 'id' });
    let rows = 0;
    for await (const chunk of source.chunks) {
      rows += chunk.length;
      source.stop();
    }
    await source.end();
    expect(rows).toBeLessThan(20_000);
    const { sql } = await db.schema();
    // the server notices a closed connection at once; give it a moment to remove the backend
    let sessions = 1;
    for (let i = 0; i < 50 && sessions > 0; i++) {
      const result = await sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'cioscale-import' AND query LIKE '%${people}%'`);
      sessions = (result.rows[0] as { n: number }).n;
      if (sessions > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sessions).toBe(0);
  });

  it('a bad query and an unreachable database: the same errors as the main thread, the password masked', async () => {
    const bad: PostgresRead = { url: PG_URL, query: 'SELECT * FROM no_such_table_here', key: 'id' };
    const unreachable: PostgresRead = { url: `postgres://postgres:${PG_PASSWORD}@127.0.0.1:1/test`, table: 'people', key: 'id' };
    for (const read of [bad, unreachable]) {
      const inline = (await openPostgres(read).catch((error: unknown) => error)) as Error & { code?: string };
      const threaded = (await openPostgresInThread(read).catch((error: unknown) => error)) as Error & { code?: string };
      expect(threaded).toBeInstanceOf(Error);
      expect(threaded.code).toBe('CIO_IMPORT_POSTGRES');
      expect(threaded.message).toBe(inline.message);
      expect(threaded.message).not.toContain(PG_PASSWORD);
    }
  });

  it('a column without a JSON form is refused before any row, as on the main thread', async () => {
    const { name, sql } = await db.schema();
    await sql(`CREATE TABLE ${name}.files (id int PRIMARY KEY, body bytea)`);
    await sql(`INSERT INTO ${name}.files VALUES (1, '\\x00ff')`);
    const error = (await openPostgresInThread({ url: PG_URL, table: `${name}.files`, key: 'id' }).catch((caught: unknown) => caught)) as Error & { code?: string };
    expect(error.code).toBe('CIO_IMPORT_POSTGRES');
    expect(error.message).toContain('column "body": bytea has no JSON form');
  });
});
