/**
 * The real PostgreSQL of the machine (127.0.0.1:5432, trust auth, database `test`; `.ci/run` starts it):
 * each test gets its own schema, dropped after it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach } from 'vitest';

/** A password in every connection string the tests pass: trust auth ignores it, no output may show it. */
export const PG_PASSWORD = 'pg-SECRET-pw-7f3a';
export const PG_URL = `postgres://postgres:${PG_PASSWORD}@127.0.0.1:5432/test`;

/** Per-test schemas on the shared server. */
export function usePostgres(): { schema: () => Promise<{ name: string; sql: (text: string, values?: unknown[]) => Promise<pg.QueryResult> }> } {
  const open: { client: pg.Client; name: string }[] = [];
  afterEach(async () => {
    for (const { client, name } of open.splice(0)) {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    }
  });
  return {
    schema: async () => {
      const name = `cioscale_${randomBytes(5).toString('hex')}`;
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await client.connect();
      open.push({ client, name });
      await client.query(`CREATE SCHEMA ${name}`);
      return { name, sql: (text, values) => client.query(text, values) };
    },
  };
}
