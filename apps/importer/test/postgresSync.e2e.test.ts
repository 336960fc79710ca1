import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { envFor, finished, runCli, spawnCli, useWorkspace } from './helpers.js';
import { PG_PASSWORD, PG_URL, usePostgres } from './pgHelpers.js';

const T1 = '2025-01-01 00:00:00+00';
const T2 = '2025-06-01 00:00:00+00';

describe('sync command against the real PostgreSQL', () => {
  const { emulator, dir } = useWorkspace();
  const { schema } = usePostgres();

  it('sync --every: the first run sends every row, a later run only the rows changed or added since', async () => {
    const db = await schema();
    const table = `${db.name}.people`;
    await db.sql(`CREATE TABLE ${table} (id integer PRIMARY KEY, email text NOT NULL, plan text, updated_at timestamptz NOT NULL)`);
    await db.sql(`INSERT INTO ${table} SELECT g, 'u' || g || '@example.com', 'free', '${T1}' FROM generate_series(1, 200) AS g`);
    const cio = await emulator();
    const state = join(dir(), 'state');
    const child = spawnCli(['sync', PG_URL, '--table', table, '--cursor', 'updated_at', '--every', '1s', '--state-dir', state, '--json', '--progress', 'none'], envFor(cio));
    const done = finished(child);
    // with --json every run prints its summary as one line on stdout
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextRun = async (): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      if (line.done) throw new Error(`the sync ended: ${(await done).stderr}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    };

    expect(await nextRun()).toMatchObject({ status: 'complete', rows: 200, delivered: 200 });
    expect(cio.stats().operations.identify).toBe(200);

    // one transaction: 20 rows change plan (a later updated_at), 30 rows are new; a run sees all or none
    await db.sql(`BEGIN;
      UPDATE ${table} SET plan = 'pro', updated_at = '${T2}' WHERE id <= 20;
      INSERT INTO ${table} SELECT g, 'u' || g || '@example.com', 'free', '${T2}' FROM generate_series(201, 230) AS g;
      COMMIT`);
    // a run that had already started before the change finds nothing new; the first one after it sends the 50
    let run = await nextRun();
    for (let before = 0; run['delivered'] === 0 && before < 20; before++) run = await nextRun();
    expect(run).toMatchObject({ status: 'complete', rows: 50, delivered: 50 });
    expect(await nextRun()).toMatchObject({ status: 'complete', rows: 0, delivered: 0 });

    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(cio.stats().operations.identify).toBe(250);
    expect(cio.person('7')).toMatchObject({ state: 'active', attributes: { plan: 'pro' } });
    expect(cio.person('30')).toMatchObject({ state: 'active', attributes: { plan: 'free' } });
    expect(cio.person('230')).toMatchObject({ state: 'active', attributes: { email: 'u230@example.com' } });
    expect(result.stderr).toContain('--every: next run at');
    // a --table read is counted for the progress view, and a run past the cursor counts only what it reads
    expect(result.stderr).toContain('PostgreSQL: 200 rows to read (counted)');
    expect(result.stderr).toContain('PostgreSQL: 50 rows to read (counted)');
    expect(result.stdout + result.stderr).not.toContain(PG_PASSWORD);
  }, 120_000);

  it('sync without --cursor or --diff: exit 2, naming both; a --query says its row total is an estimate', async () => {
    const db = await schema();
    await db.sql(`CREATE TABLE ${db.name}.people (id integer PRIMARY KEY, email text NOT NULL)`);
    await db.sql(`INSERT INTO ${db.name}.people SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 30) AS g`);
    const cio = await emulator();
    const [refused, query] = await Promise.all([
      runCli(['sync', PG_URL, '--table', `${db.name}.people`, '--every', '15m', '--progress', 'none'], envFor(cio)),
      runCli(['sync', PG_URL, '--query', `SELECT * FROM ${db.name}.people`, '--diff', '--dry-run', '--progress', 'none'], envFor(cio)),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cioscale-import: sync must be given --cursor <column>');
    expect(query.code).toBe(0);
    expect(query.stdout).toMatch(/PostgreSQL: about [\d,]+ rows to read \(the planner's estimate for a --query/);
    expect(query.stdout).toContain('rows 30 · valid 30');
    for (const result of [refused, query]) expect(result.stdout + result.stderr).not.toContain(PG_PASSWORD);
  }, 60_000);
});
