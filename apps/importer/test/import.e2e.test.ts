import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cleanEnv, envFor, peopleCsv, runCli, SECRET_KEY, useWorkspace, writeCsv } from './helpers.js';

describe('cioscale-import end to end (CLI against an emulator)', () => {
  const { emulator, dir } = useWorkspace();

  it('delivers every row, typed, with BOM, CRLF and quoted commas and newlines', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(
      folder,
      'users.csv',
      '\uFEFFid,email,plan,seats,vip,created_at,note,zip\r\n' +
        'a1,a1@example.com,pro,12,true,2024-01-02T03:04:05Z,"Acme, Inc.",02134\r\n' +
        'a2,a2@example.com,free,,false,1700000000000,"line one\nline two",\r\n' +
        'a3,a3@example.com,team,3,,1700000000,,\r\n',
    );
    const result = await runCli([file, '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ rows: 3, delivered: 3, rejected: 0, failed: 0, skipped: 0, rateLimited: 0, target: cio.url });
    expect(cio.person('a1')).toMatchObject({ attributes: { email: 'a1@example.com', plan: 'pro', seats: 12, vip: true, created_at: 1_704_164_645, note: 'Acme, Inc.', zip: '02134' } });
    const a2 = cio.person('a2') as { attributes: Record<string, unknown> };
    expect(a2.attributes).toEqual({ email: 'a2@example.com', plan: 'free', vip: false, created_at: 1_700_000_000, note: 'line one\nline two' });
    expect(cio.stats().sizes.people).toBe(3);
  });

  it('writes malformed rows and 207 rejections to the failed-rows file with reasons, and exits 1', async () => {
    const cio = await emulator();
    const folder = dir();
    const failedPath = join(folder, 'failed.csv');
    const file = writeCsv(
      folder,
      'users.csv',
      'id,plan,created_at\n' + 'ok1,pro,2024-01-01\n' + ',free,\n' + 'ok2,pro,not-a-date\n' + 'ok3,pro\n' + ' ,pro,\n' + `ok4,${'x'.repeat(1200)},\n` + 'ok5,team,\n',
    );
    const result = await runCli([file, '--json', '--state-dir', join(folder, 'state'), '--failed', failedPath], envFor(cio));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ rows: 7, delivered: 2, rejected: 5, failed: 0 });
    const rows = parse(readFileSync(failedPath));
    expect(rows[0]).toEqual(['id', 'plan', 'created_at', 'cioscale_error']);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byId.get('')?.[3]).toMatch(/^local: missing_identifier/);
    expect(byId.get('ok2')?.[3]).toMatch(/^local: invalid_value: column "created_at": "not-a-date" is not a date/);
    expect(byId.get('ok3')).toEqual(['ok3', 'pro', '', expect.stringMatching(/^local: column_count/)]);
    expect(byId.get('ok4')?.[3]).toMatch(/^local: attribute_value_too_long \(attributes.plan\)/);
    // a blank identifier passes local checks; Customer.io (the emulator) refuses it in a 207
    expect(byId.get(' ')).toEqual([' ', 'pro', '', expect.stringMatching(/^customerio: required \(identifiers.id\)/)]);
    expect(cio.stats().statuses['207']).toBe(1);
    expect(cio.person('ok5').state).toBe('active');
    expect(cio.person('ok1').state).toBe('active');
  });

  it('stops on 401 with a one-line reason and exit code 2, and never prints the key', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(50));
    const wrongKey = `${SECRET_KEY}-WRONG`;
    const result = await runCli([file, '--json', '--state-dir', join(folder, 'state')], envFor(cio, wrongKey));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cioscale-import: Customer\.io refused the credentials \(HTTP 401\)/);
    expect(result.json).toMatchObject({ status: 'fatal', delivered: 0 });
    for (const text of [result.stdout, result.stderr, JSON.stringify(result.json)]) {
      expect(text).not.toContain(SECRET_KEY);
    }
    expect(cio.stats().acceptedOperations).toBe(0);
  });

  it('never prints the key on a successful run either', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(20));
    const result = await runCli([file, '--json', '--progress', 'plain', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET_KEY);
  });

  it('delivers everything through a 429 storm, 5xx and timeouts', async () => {
    // the emulator allows a tenth of the importer's --rate, so the storm comes however fast or slow this machine is
    const cio = await emulator({ rate: 10, burst: 2, faults: { error500Rate: 0.1, error503Rate: 0.1, hangRate: 0.05, hangMs: 3_000 } });
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(200));
    const result = await runCli([file, '--json', '--rate', '100', '--batch-size', '10', '--concurrency', '4', '--timeout', '500', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ rows: 200, delivered: 200, rejected: 0, failed: 0 });
    expect(result.json['rateLimited']).toBeGreaterThan(0);
    expect(result.json['retries']).toBeGreaterThan(0);
    expect(cio.stats().sizes.people).toBe(200);
  });

  it('validates without sending on --dry-run', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', 'id,plan\nd1,pro\n,free\n');
    const result = await runCli([file, '--json', '--dry-run', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ rows: 2, valid: 1, rejected: 1, delivered: 0, requests: 0, dryRun: true });
    expect(cio.stats().requests).toBe(0);
  });

  it('names the flag or variable of a bad setting and exits 2', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(1));
    const badFlag = await runCli([file, '--concurrency', '0'], cleanEnv());
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--concurrency');
    const badRegion = await runCli([file], { ...cleanEnv(), CUSTOMERIO_REGION: 'mars' });
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toContain('CUSTOMERIO_REGION');
    const missing = await runCli([join(folder, 'missing.csv'), '--json'], cleanEnv());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*missing\.csv: ENOENT/);
  });

  it('imports into an embedded emulator without credentials and says so at the start and in the summary', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(25));
    const result = await runCli([file, '--json', '--progress', 'plain', '--state-dir', join(folder, 'state')], cleanEnv());
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ rows: 25, delivered: 25, target: 'embedded-emulator' });
    const notices = result.stderr.match(/NOTHING IS SENT TO CUSTOMER\.IO/g) ?? [];
    expect(notices.length).toBe(2);
  });
});
