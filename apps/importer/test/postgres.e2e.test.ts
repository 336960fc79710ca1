import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EmulatorHandle } from '@cioscale/emulator';
import { describe, expect, it } from 'vitest';
import { envFor, finished, runCli, spawnCli, useWorkspace, type CliResult } from './helpers.js';
import { PG_PASSWORD, PG_URL, usePostgres } from './pgHelpers.js';

const T1 = '2025-01-01 00:00:00+00';
const T2 = '2025-06-01 00:00:00+00';
const quiet = ['--json', '--progress', 'none'];

/** What person `g` of the generated table holds, as Customer.io attributes: exact values and JSON types. */
function expectedPerson(g: number, plan = g % 7 === 0 ? undefined : g % 2 === 0 ? 'pro' : 'free'): Record<string, unknown> {
  return {
    email: `u${g}@example.com`,
    ...(plan !== undefined && { plan }),
    seats: g % 40,
    score: g * 0.25,
    big: g * 1_000_000_000_000,
    ratio: g / 8,
    active: g % 3 === 0,
    signed_up: 1_704_067_200 + g,
    birthday: 946_684_800 + (g % 365) * 86_400,
    tags: [`t${g % 5}`, 'all'],
    meta: { tier: g % 3, flags: { beta: g % 2 === 0 } },
    zip: String(g % 100_000).padStart(5, '0'),
  };
}

const COLUMNS = `id bigint PRIMARY KEY, email text NOT NULL, plan text, seats integer, score numeric(12,2), big bigint,
  ratio double precision, active boolean, signed_up timestamptz, birthday date, tags text[], meta jsonb, zip text, updated_at timestamptz NOT NULL`;
const ROW = (g: string, updated: string): string => `${g}, 'u' || ${g} || '@example.com', CASE WHEN ${g} % 7 = 0 THEN NULL WHEN ${g} % 2 = 0 THEN 'pro' ELSE 'free' END,
  ${g} % 40, ${g} * 0.25, ${g} * 1000000000000, ${g} / 8.0, ${g} % 3 = 0, '2024-01-01 00:00:00+00'::timestamptz + ${g} * interval '1 second',
  date '2000-01-01' + (${g} % 365)::int, ARRAY['t' || (${g} % 5), 'all'], jsonb_build_object('tier', ${g} % 3, 'flags', jsonb_build_object('beta', ${g} % 2 = 0)),
  lpad((${g} % 100000)::text, 5, '0'), '${updated}'::timestamptz`;

/** People whose attributes differ from `expected`, the first five. */
function mismatches(cio: EmulatorHandle, ids: Iterable<number>, expected: (g: number) => Record<string, unknown>): unknown[] {
  const wrong: unknown[] = [];
  for (const g of ids) {
    const found = cio.person(String(g));
    const attributes = found.state === 'active' ? found.attributes : undefined;
    if (!isDeepStrictEqual(attributes, expected(g))) wrong.push({ id: g, attributes, expected: expected(g) });
    if (wrong.length >= 5) break;
  }
  return wrong;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const identifies = (cio: EmulatorHandle): number => cio.stats().operations.identify ?? 0;

/** No output and no state file may hold the password. */
function expectNoPassword(results: readonly CliResult[], stateDir: string): void {
  for (const result of results) expect(result.stdout + result.stderr).not.toContain(PG_PASSWORD);
  for (const file of readdirSync(stateDir)) expect(readFileSync(join(stateDir, file), 'utf8'), file).not.toContain(PG_PASSWORD);
}

describe('PostgreSQL source', () => {
  const { emulator, dir } = useWorkspace();
  const { schema } = usePostgres();

  it('100,000 rows become 100,000 people with exact values and types; the incremental run sends exactly the 1,500 updated and inserted rows', async () => {
    const db = await schema();
    const table = `${db.name}.people`;
    await db.sql(`CREATE TABLE ${table} (${COLUMNS})`);
    await db.sql(`INSERT INTO ${table} SELECT ${ROW('g', T1)} FROM generate_series(1, 100000) AS g`);
    const cio = await emulator();
    const folder = dir();
    const state = join(folder, 'state');
    // the cursor column is how rows are found, not an attribute: a moved updated_at alone is no change for --diff
    const mapping = join(folder, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ ignore: ['updated_at'] }));
    const sync = ['--table', table, '--cursor', 'updated_at', '--diff', '--mapping', mapping, '--state-dir', state, ...quiet];

    const first = await runCli([PG_URL, ...sync], envFor(cio));
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ rows: 100_000, delivered: 100_000, rejected: 0 });
    expect(cio.stats().sizes.people).toBe(100_000);
    expect(identifies(cio)).toBe(100_000);
    expect(mismatches(cio, range(1, 100_000), (g) => expectedPerson(g))).toEqual([]);

    // 1,000 rows change (a later updated_at); 500 new rows share the cursor value of the last row synced
    await db.sql(`UPDATE ${table} SET plan = 'enterprise', updated_at = '${T2}' WHERE id % 100 = 0`);
    await db.sql(`INSERT INTO ${table} SELECT ${ROW('g', T1)} FROM generate_series(100001, 100500) AS g`);
    const second = await runCli([PG_URL, ...sync], envFor(cio));
    expect(second.code).toBe(0);
    expect(second.json).toMatchObject({ rows: 1500, delivered: 1500, skipped: 0 });
    expect(identifies(cio)).toBe(101_500);
    expect(cio.stats().sizes.people).toBe(100_500);
    const changed = range(1, 1000).map((i) => i * 100);
    expect(mismatches(cio, changed, (g) => expectedPerson(g, 'enterprise'))).toEqual([]);
    expect(mismatches(cio, range(100_001, 100_500), (g) => expectedPerson(g))).toEqual([]);

    // updated_at moves on 1,005 rows (1,000 + 5 of the inserted ones) but nothing sent changes: --diff sends nothing
    await db.sql(`UPDATE ${table} SET updated_at = '2025-07-01 00:00:00+00' WHERE id % 100 = 0`);
    const third = await runCli([PG_URL, ...sync], envFor(cio));
    expect(third.json).toMatchObject({ rows: 1005, delivered: 0, skipped: 1005 });
    expect(identifies(cio)).toBe(101_500);
    expectNoPassword([first, second, third], state);
    // 100,000 rows, three runs: 138–144 s measured at load 30–35 on 2 cores, and one timeout at 180 s at load 36
  }, 300_000);
});

describe('PostgreSQL source: interrupted syncs and failures', () => {
  const { emulator, dir } = useWorkspace();
  const { schema } = usePostgres();

  // --parse-thread reads in a worker thread (pgThread.ts): its positions must checkpoint and resume the same
  it.each([
    ['', []],
    [' (--parse-thread)', ['--parse-thread']],
  ])('killed (-9) mid-sync then --resume%s: every event delivered once, the cursor at the last row', async (_, thread) => {
    const total = 3000;
    const db = await schema();
    const table = `${db.name}.purchases`;
    await db.sql(`CREATE TABLE ${table} (event_id integer PRIMARY KEY, person text NOT NULL, name text NOT NULL, timestamp timestamptz NOT NULL, amount numeric, updated_at timestamptz NOT NULL)`);
    // 100 rows share each updated_at: a kill lands inside a tie
    await db.sql(`INSERT INTO ${table} SELECT g, 'u' || (g % 10), 'purchased', '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g + 0.5,
      '${T1}'::timestamptz + (g / 100) * interval '1 second' FROM generate_series(1, ${total}) AS g`);
    const cio = await emulator({ faults: { latencyMs: 150 } });
    const state = join(dir(), 'state');
    const sync = ['--table', table, '--kind', 'events', '--key', 'event_id', '--cursor', 'updated_at', '--state-dir', state, '--batch-size', '50', '--concurrency', '2', ...quiet, ...thread];
    const child = spawnCli([PG_URL, ...sync], envFor(cio));
    const done = finished(child);
    const checkpoint = join(state, `test.${table}.checkpoint.json`);
    for (;;) {
      const rowsDone = readJson(checkpoint)?.['rowsDone'];
      if (typeof rowsDone === 'number' && rowsDone > 0) {
        if (rowsDone >= total) throw new Error('the sync finished before it could be killed');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    expect((await done).code).toBe(null);
    expect(cio.stats().sizes.events).toBeLessThan(total);

    cio.configure({ faults: { latencyMs: 0 } });
    const resumed = await runCli([PG_URL, ...sync, '--resume'], envFor(cio));
    expect(resumed.code).toBe(0);
    expect(resumed.json['resumedFrom']).toBeGreaterThan(0);
    expect((resumed.json['resumedFrom'] as number) + (resumed.json['rows'] as number)).toBe(total);
    expect(cio.stats().sizes.events).toBe(total);
    const events = cio.events({ limit: 10_000 });
    expect(new Set(events.map((event) => event.id)).size).toBe(total);
    expect(new Set(events.map((event) => event.data?.['event_id'])).size).toBe(total);
    expect(readJson(join(state, `test.${table}.cursor.json`))?.['position']).toEqual(['2025-01-01 00:00:30+00', String(total)]);

    // the next sync finds nothing new
    const again = await runCli([PG_URL, ...sync], envFor(cio));
    expect(again.json).toMatchObject({ rows: 0, delivered: 0 });
    expectNoPassword([resumed, again], state);
  }, 120_000);

  it('an unreachable database and a bad query: exit 2, one clear line, the password masked', async () => {
    const [unreachable, badQuery] = await Promise.all([
      runCli([`postgres://postgres:${PG_PASSWORD}@127.0.0.1:1/test`, '--table', 'people', '--state-dir', join(dir(), 'state'), '--progress', 'none'], envFor(await emulator())),
      runCli([PG_URL, '--query', 'SELECT * FROM no_such_table', '--state-dir', join(dir(), 'state'), '--progress', 'none'], envFor(await emulator())),
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`cannot connect to PostgreSQL (postgres://postgres:***@127.0.0.1:1/test): connect ECONNREFUSED 127.0.0.1:1`);
    expect(badQuery.code).toBe(2);
    expect(badQuery.stderr).toContain('PostgreSQL refused the query (postgres://postgres:***@127.0.0.1:5432/test): relation "no_such_table" does not exist');
    for (const result of [unreachable, badQuery]) expect(result.stdout + result.stderr).not.toContain(PG_PASSWORD);
  });
});

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
