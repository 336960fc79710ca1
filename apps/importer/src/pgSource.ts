import pg from 'pg';
import Cursor from 'pg-cursor';
import type { CsvRow, CsvSource } from './csvSource.js';
import { PostgresSourceError } from './errors.js';
import { cellParser, REFUSED_TYPES, type CellParser } from './pgTypes.js';
import { maskPostgresUrl, withoutPassword } from './pgUrl.js';

/** What to read: a query or a table, in key order, past a position. */
export interface PostgresRead {
  /** `postgres://user:password@host:port/db`; the password is never shown. */
  readonly url: string;
  /** `--query`: any SELECT. Exactly one of `query` and `table`. */
  readonly query?: string | undefined;
  /** `--table`: `name` or `schema.name`. */
  readonly table?: string | undefined;
  /** `--cursor`: the column rows are synced by (an `updated_at`); ties are ordered by `key`. */
  readonly cursor?: string | undefined;
  /** A unique column ordering the rows (and cursor ties): the people id column unless `--key` says otherwise. */
  readonly key: string;
  /** Read only rows past this position: `[cursor, key]` with a cursor, `[key]` without, as PostgreSQL's text. */
  readonly after?: readonly string[] | undefined;
  /** Number of the first row read minus one (a resumed checkpoint's `rowsDone`). @defaultValue 0 */
  readonly start?: number;
  /** Read at most up to this row number. */
  readonly limit?: number | undefined;
}

/** An opened PostgreSQL source: rows as JSON cells, and the position of every row read. */
export interface PostgresSource extends CsvSource {
  /** The position (`[cursor, key]` or `[key]`, PostgreSQL's text) of row `row`, once it was read. */
  positionAt(row: number): readonly string[] | undefined;
  /** Rows with a NULL cursor, which no cursor position ever reaches (counted when opening with `cursor`). */
  readonly nullCursorRows: number;
  /**
   * The rows the read returns, for progress: counted (`count(*)`, at the server's speed) for a `--table`,
   * the planner's estimate (EXPLAIN, nothing executed) for a `--query`, which may be costly to run twice.
   */
  readonly expectedRows: { readonly rows: number; readonly counted: boolean };
  /** Ends the connection (also done when the rows end); `close()` does the same without waiting. */
  end(): Promise<void>;
}

/** One fetch's rows, and their positions (`positionWidth` texts a row, in row order). */
export interface PostgresRowChunk {
  readonly rows: CsvRow[];
  readonly positions: readonly (string | null)[];
}

/** An opened PostgreSQL source read by chunks that carry their positions (the reading thread's view). */
export interface PostgresRowSource extends PostgresSource {
  /** The rows with their positions; iterate this or `chunks`, once, never both. */
  readonly rowChunks: AsyncIterable<PostgresRowChunk>;
}

/** Rows of the first fetch, before the rows' size is known. */
const FIRST_FETCH_ROWS = 1000;
/**
 * About how much row text one fetch brings; the later fetches are sized from the rows seen so far (~1,500
 * rows of the benchmark's 9 columns, one row of a 200 KB document), so a fetch stays small whatever the
 * rows' width. Bigger fetches measured no less CPU (fewer round trips, the same rows) and ~50 MB more peak
 * RSS at 1 MB (docs/benchmarks.md). With one fetch read ahead, the source holds at most two beyond the
 * pipeline's window.
 */
const FETCH_BYTES = 200_000;
const MAX_FETCH_ROWS = 10_000;
/** pg hands every value over as the server's text; `cellParser` maps it per column (see `source`). */
const RAW_TEXT = { getTypeParser: () => (text: string) => text };

/**
 * Streams a query's rows through a server-side cursor (pg-cursor: a portal read {@link FETCH_ROWS} at a
 * time), so only the rows the pipeline's read-ahead window asks for are ever in memory, whatever the
 * result's size.
 *
 * The rows come in `key` order (with `cursor`: `(cursor, key)` order), and each row's position is
 * selected with it as text, so a resume or the next incremental run selects exactly the rows past the
 * last settled one with a row comparison, `(cursor, key) > ($1, $2)`: rows sharing a cursor value are
 * neither skipped nor sent twice. Rows whose cursor is NULL sort past every position and are never read;
 * they are counted so that the run can say so.
 *
 * @throws {@link PostgresSourceError} (`CIO_IMPORT_POSTGRES`) when the database cannot be reached, refuses
 * the login or the query, or a column has a type without a JSON form; the message shows the URL without
 * its password
 */
export async function openPostgres(read: PostgresRead): Promise<PostgresRowSource> {
  const shown = maskPostgresUrl(read.url);
  const client = new pg.Client({ connectionString: read.url, connectionTimeoutMillis: 10_000, application_name: 'cioscale-import' });
  // a dropped connection is reported by the read that fails; the client must not crash the process
  client.on('error', () => undefined);
  const fail = (what: string, error: unknown): PostgresSourceError =>
    new PostgresSourceError(withoutPassword(`${what} (${shown}): ${(error as Error).message}`, read.url), { cause: error });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw fail('cannot connect to PostgreSQL', error);
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await client.end().catch(() => undefined);
  };
  try {
    await client.query("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
    const { text, values } = selectOf(read);
    const nullCursorRows = read.cursor === undefined ? 0 : await countNullCursor(client, read);
    const expectedRows = read.table !== undefined ? await countRows(client, read) : { rows: await estimateRows(client, text, values), counted: false };
    const cursor: Cursor<(string | null)[]> = client.query(new Cursor<(string | null)[]>(text, [...values], { rowMode: 'array', types: RAW_TEXT }));
    const first = await readRows(cursor, FIRST_FETCH_ROWS).catch((error: unknown) => {
      const missing = /column s\.("?)(.+)\1 does not exist/.exec((error as Error).message)?.[2];
      const hint = missing === undefined ? '' : `; --key ${missing === read.cursor ? '--cursor ' : ''}names a column the query must select`;
      throw fail(`PostgreSQL refused the query${hint}`, error);
    });
    const header = first.fields.map((field) => field.name);
    for (const field of first.fields) {
      const refused = REFUSED_TYPES[field.dataTypeID];
      if (refused) throw new PostgresSourceError(`column "${field.name}": ${refused}`);
    }
    const columns = { parsers: first.fields.map((field) => cellParser(field.dataTypeID)), position: positionColumns(read, header) };
    return source(read, header, columns, cursor, first.rows, { nullCursorRows, expectedRows }, close, (error) => fail('reading from PostgreSQL failed', error));
  } catch (error) {
    await close();
    if (error instanceof PostgresSourceError) throw error;
    throw fail('PostgreSQL refused the query', error);
  }
}

/**
 * Where the position's columns are among the row's: the query orders by `s.<cursor>, s.<key>`, so both are
 * columns of its rows, and their text as the server sends it (ISO, UTC) is the position — no second copy of
 * them is selected.
 */
function positionColumns(read: PostgresRead, header: readonly string[]): number[] {
  return (read.cursor === undefined ? [read.key] : [read.cursor, read.key]).map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new PostgresSourceError(`column "${name}" (--key, --cursor) is not among the columns the query returns (${header.slice(0, 8).join(', ')})`);
    return index;
  });
}

function source(
  read: PostgresRead,
  header: readonly string[],
  columns: { readonly parsers: readonly CellParser[]; readonly position: readonly number[] },
  cursor: Cursor<(string | null)[]>,
  firstRows: (string | null)[][],
  counts: { nullCursorRows: number; expectedRows: PostgresSource['expectedRows'] },
  close: () => Promise<void>,
  fail: (error: unknown) => PostgresSourceError,
): PostgresRowSource {
  const limit = read.limit ?? Number.POSITIVE_INFINITY;
  const width = header.length;
  const { parsers, position } = columns;
  const positions = new PositionQueue(position.length, read.start ?? 0, read.after);
  let stopped = false;
  let row = read.start ?? 0;
  // the running size of the rows' text, to size the next fetch
  let textBytes = 0;
  let textRows = 0;

  const toChunk = (rows: (string | null)[][]): PostgresRowChunk => {
    const chunk: CsvRow[] = [];
    const texts: (string | null)[] = [];
    for (const values of rows) {
      if (row >= limit) break;
      row += 1;
      for (const index of position) texts.push(values[index] ?? null);
      // the row's own array becomes its cells: NULL arrives as null, an empty cell, which leaves the
      // attribute out; every other value becomes its JSON cell by its column's type
      for (let i = 0; i < width; i++) {
        const text = values[i];
        if (text === null || text === undefined) values[i] = '';
        else {
          textBytes += text.length;
          values[i] = (parsers[i] as CellParser)(text);
        }
      }
      chunk.push({ row, cells: values as string[] });
    }
    textRows += chunk.length;
    return { rows: chunk, positions: texts };
  };
  const nextFetch = (): number => (textRows === 0 ? FIRST_FETCH_ROWS : Math.max(1, Math.min(MAX_FETCH_ROWS, Math.floor((FETCH_BYTES * textRows) / Math.max(1, textBytes)))));

  async function* rowChunks(): AsyncGenerator<PostgresRowChunk> {
    try {
      let rows = firstRows;
      let fetchRows = FIRST_FETCH_ROWS;
      while (!stopped && rows.length > 0 && row < limit) {
        // the server reads the next rows while the pipeline maps these: one fetch ahead, no more (a short
        // fetch was the last one); it is sized from the rows seen so far
        const more = rows.length < fetchRows ? undefined : readRows(cursor, (fetchRows = nextFetch()));
        more?.catch(() => undefined);
        const chunk = toChunk(rows);
        if (chunk.rows.length > 0) yield chunk;
        if (more === undefined || stopped || row >= limit) return;
        rows = (
          await more.catch((error: unknown) => {
            throw fail(error);
          })
        ).rows;
      }
    } finally {
      await close();
    }
  }
  const byChunk = rowChunks();

  async function* chunks(): AsyncGenerator<CsvRow[]> {
    for await (const chunk of byChunk) {
      positions.push(chunk.positions);
      yield chunk.rows;
    }
  }

  return {
    header,
    chunks: chunks(),
    rowChunks: byChunk,
    // progress is a share of the rows the planner expects (the view's "of the file")
    get bytesRead() {
      return row - (read.start ?? 0);
    },
    get stopped() {
      return stopped;
    },
    stop: () => void (stopped = true),
    ...counts,
    positionAt: (done: number) => positions.at(done),
    end: close,
    close: () => void close(),
  };
}

/**
 * The positions of the rows read and not yet settled, `width` texts a row from the row after `start`, and
 * the last one asked for: a queue with a moving head, since shift() copies the whole array and it holds a
 * read-ahead window of rows.
 */
class PositionQueue {
  private pending: (string | null)[] = [];
  private head = 0;
  private firstPending: number;
  private lastRow: number;
  private last: readonly string[] | undefined;

  constructor(
    private readonly width: number,
    start: number,
    after: readonly string[] | undefined,
  ) {
    this.firstPending = start + 1;
    this.lastRow = start;
    this.last = after;
  }

  push(texts: readonly (string | null)[]): void {
    for (const text of texts) this.pending.push(text);
  }

  /** The position of row `done` once it was read; the rows before it are let go. */
  at(done: number): readonly string[] | undefined {
    const upTo = Math.min(done, this.firstPending + (this.pending.length - this.head) / this.width - 1);
    if (upTo > this.lastRow) {
      const at = this.head + (upTo - this.firstPending) * this.width;
      this.last = this.pending.slice(at, at + this.width) as string[];
      this.lastRow = upTo;
      this.head = at + this.width;
      this.firstPending = upTo + 1;
    }
    if (this.head > 4096) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return this.lastRow === done ? this.last : undefined;
  }
}

function readRows(cursor: Cursor<(string | null)[]>, count: number): Promise<{ rows: (string | null)[][]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => (error ? reject(error) : resolve({ rows, fields: result.fields })));
  });
}

/** The SELECT of a read: the rows of the query or table in key order, past the position, with the position. */
export function selectOf(read: PostgresRead): { text: string; values: readonly string[] } {
  const { from, columns } = rowsOf(read);
  return { text: `SELECT s.* ${from} ORDER BY ${columns.join(', ')}`, values: read.after ?? [] };
}

/** `FROM (…) AS s WHERE …`: the rows a read selects, and the columns of its position. */
function rowsOf(read: PostgresRead): { from: string; columns: string[] } {
  const base = read.table !== undefined ? `SELECT * FROM ${qualified(read.table)}` : (read.query ?? '').trim().replace(/;\s*$/, '');
  const key = `s.${ident(read.key)}`;
  const columns = read.cursor === undefined ? [key] : [`s.${ident(read.cursor)}`, key];
  const after = read.after === undefined ? '' : ` AND (${columns.join(', ')}) > (${columns.map((_, index) => `$${index + 1}`).join(', ')})`;
  const notNull = read.cursor === undefined ? '' : ` AND s.${ident(read.cursor)} IS NOT NULL`;
  return { from: `FROM (${base}) AS s WHERE TRUE${notNull}${after}`, columns };
}

async function countRows(client: pg.Client, read: PostgresRead): Promise<{ rows: number; counted: boolean }> {
  let rows: number;
  try {
    const result = await client.query<{ count: string }>(`SELECT count(*) AS count ${rowsOf(read).from}`, [...(read.after ?? [])]);
    rows = Number(result.rows[0]?.count ?? 0);
  } catch {
    // the read itself reports what is wrong (a missing table or column, with its hint), right after
    return { rows: 0, counted: false };
  }
  return { rows: Math.min(rows, Math.max(0, (read.limit ?? Number.POSITIVE_INFINITY) - (read.start ?? 0))), counted: true };
}

async function estimateRows(client: pg.Client, text: string, values: readonly string[]): Promise<number> {
  try {
    const result = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) ${text}`, [...values]);
    return Math.max(0, Math.round(result.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0));
  } catch {
    // the query itself reports what is wrong with it, right after
    return 0;
  }
}

async function countNullCursor(client: pg.Client, read: PostgresRead): Promise<number> {
  const base = read.table !== undefined ? `SELECT * FROM ${qualified(read.table)}` : (read.query ?? '').trim().replace(/;\s*$/, '');
  const result = await client.query<{ count: string }>(`SELECT count(*) AS count FROM (${base}) AS s WHERE s.${ident(read.cursor ?? '')} IS NULL`);
  return Number(result.rows[0]?.count ?? 0);
}

/** `name` → `"name"`, with `"` doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` → `"schema"."table"`. */
function qualified(table: string): string {
  return table.split('.').map(ident).join('.');
}
