/**
 * The importer with `--api pipelines` / `CIO_API=pipelines`, end to end: the real CLI against the
 * emulator's Data Pipelines port, the same delivery guarantees as the Track suites (import.e2e,
 * resume.e2e), and the write key never shown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorHandle, EmulatorOptions } from '@cioscale/emulator';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cleanEnv, eventsCsv, finished, peopleCsv, runCli, SECRET_KEY, spawnCli, useWorkspace, writeCsv, type CliResult } from './helpers.js';

/** Distinct from the Track key, so the tests show which one authenticates, and grep-able in every output. */
const WRITE_KEY = 'wk-TOPSECRET-pipelines-importer-77e1';

/** The CLI's environment for the emulator's Pipelines port: no Track variable at all. */
function pipelinesEnv(emulator: EmulatorHandle, writeKey = WRITE_KEY, api: 'env' | 'flag' = 'flag'): NodeJS.ProcessEnv {
  return { ...cleanEnv(), CUSTOMERIO_PIPELINES_WRITE_KEY: writeKey, CIO_PIPELINES_URL: emulator.pipelinesUrl, ...(api === 'env' && { CIO_API: 'pipelines' }) };
}

/** Resolves once the checkpoint file says some rows, but not all, are done. */
async function checkpointShowsProgress(path: string, total: number): Promise<void> {
  for (;;) {
    if (existsSync(path)) {
      try {
        const { rowsDone } = JSON.parse(readFileSync(path, 'utf8')) as { rowsDone: number };
        if (rowsDone > 0 && rowsDone < total) return;
        if (rowsDone >= total) throw new Error('the run finished before it could be stopped; slow the emulator down');
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Everything a run showed a person or a script: the key must be in none of it. */
const shown = (result: CliResult): string => `${result.stdout}${result.stderr}${JSON.stringify(result.json)}`;

describe('cioscale-import --api pipelines (CLI against the emulator\'s Pipelines port)', () => {
  const { emulator: start, dir } = useWorkspace();
  const emulator = (options: EmulatorOptions = {}): Promise<EmulatorHandle> => start({ pipelines: { rate: 0, writeKeys: { site: WRITE_KEY } }, ...options });

  /** Nothing went out without strict mode: every Pipelines request the emulator saw carried X-Strict-Mode: 1. */
  const expectAlwaysStrict = (cio: EmulatorHandle): void => {
    const stats = cio.pipelinesStats();
    expect(stats.requests).toBeGreaterThan(0);
    expect(stats.strictRequests).toBe(stats.requests);
    expect(stats.silentlyDroppedRequests).toBe(0);
  };

  it('delivers N rows as N ledger entries through Pipelines only, says so at the start, never shows the write key', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(1_500));
    const result = await runCli([file, '--api', 'pipelines', '--json', '--progress', 'plain', '--state-dir', join(folder, 'state')], pipelinesEnv(cio));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ rows: 1_500, delivered: 1_500, rejected: 0, failed: 0, rateLimited: 0, target: cio.pipelinesUrl });
    expect(result.stderr).toContain(`sending to Data Pipelines API at ${cio.pipelinesUrl} (write key ***, strict mode)`);
    expect(cio.stats().sizes.people).toBe(1_500);
    expect(cio.person('u1500')).toMatchObject({ state: 'active', attributes: { email: 'u1500@example.com', plan: 'pro', seats: 20 } });
    expect(cio.pipelinesStats().acceptedCalls).toBe(1_500);
    // the importer's request count is the emulator's: the budget and the summary count Pipelines requests
    expect(result.json['requests']).toBe(cio.pipelinesStats().requests);
    // not one request to the Track port
    expect(cio.stats().requests).toBe(0);
    expectAlwaysStrict(cio);
    expect(shown(result)).not.toContain(WRITE_KEY);
  });

  it('CIO_API=pipelines chooses Pipelines without the flag; events keep their ISO-8601 time to the second', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'events.csv', eventsCsv(300));
    const result = await runCli([file, '--kind', 'events', '--json', '--state-dir', join(folder, 'state')], pipelinesEnv(cio, WRITE_KEY, 'env'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ rows: 300, delivered: 300, target: cio.pipelinesUrl });
    const events = cio.events({ name: 'purchased', limit: 1_000 });
    expect(events).toHaveLength(300);
    expect(new Set(events.map((event) => event.timestamp))).toEqual(new Set(Array.from({ length: 300 }, (_, i) => 1_700_000_001 + i)));
    expectAlwaysStrict(cio);
  });

  it('a refused row is isolated by bisection and named in the failed-rows file; the rest are delivered (exit 1)', async () => {
    const cio = await emulator();
    const folder = dir();
    const failedPath = join(folder, 'failed.csv');
    // a blank id passes local checks; Pipelines (the emulator, strict) refuses the whole request with 400
    const lines = ['id,plan'];
    for (let i = 1; i <= 120; i++) lines.push(i === 77 ? ' ,bad' : `p${i},pro`);
    const file = writeCsv(folder, 'users.csv', `${lines.join('\n')}\n`);
    const result = await runCli([file, '--api', 'pipelines', '--json', '--state-dir', join(folder, 'state'), '--failed', failedPath], pipelinesEnv(cio));
    expect(result.code, result.stderr).toBe(1);
    expect(result.json).toMatchObject({ rows: 120, delivered: 119, rejected: 1, failed: 0 });
    const rows: string[][] = parse(readFileSync(failedPath));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([' ', 'bad', expect.stringMatching(/^customerio: invalid: .*userId/)]);
    expect(cio.stats().sizes.people).toBe(119);
    // the first request was refused whole (strict mode), then halves until the bad entry was alone
    expect(cio.pipelinesStats().rejectedRequests).toBeGreaterThan(1);
    expectAlwaysStrict(cio);
  });

  it('a refused write key stops the run with exit code 2, as for Track, and the key is never printed', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(50));
    const wrongKey = `${WRITE_KEY}-WRONG`;
    const result = await runCli([file, '--api', 'pipelines', '--json', '--state-dir', join(folder, 'state')], pipelinesEnv(cio, wrongKey));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cioscale-import: Customer\.io refused the Pipelines write key \(HTTP 401\); check CUSTOMERIO_PIPELINES_WRITE_KEY/);
    expect(result.json).toMatchObject({ status: 'fatal', delivered: 0 });
    expect(shown(result)).not.toContain(WRITE_KEY);
    expect(cio.stats().sizes.people).toBe(0);
  });

  it('backs off on 429 and still delivers every row', async () => {
    // the Pipelines port allows a tenth of the importer's --rate, in hard mode, so 429s come on any machine
    const cio = await start({ pipelines: { rate: 10, burst: 2, rateLimitMode: 'hard', writeKeys: { site: WRITE_KEY } } });
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(200));
    const result = await runCli([file, '--api', 'pipelines', '--json', '--rate', '100', '--batch-size', '10', '--concurrency', '4', '--state-dir', join(folder, 'state')], pipelinesEnv(cio));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ rows: 200, delivered: 200, rejected: 0, failed: 0 });
    expect(result.json['rateLimited']).toBeGreaterThan(0);
    expect(result.json['rateLimited']).toBe(cio.pipelinesStats().rateLimited);
    expect(cio.stats().sizes.people).toBe(200);
    expectAlwaysStrict(cio);
  });

  it('an entry over 32 KB is never sent; requests stay under 500 KB however large the rows', async () => {
    const cio = await emulator();
    const folder = dir();
    const failedPath = join(folder, 'failed.csv');
    // 40 columns of 900 bytes: each value within Track's 1,000-byte limit, the row over 32 KB together
    const wide = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const cell = 'x'.repeat(900);
    const lines = [['id', ...wide].join(',')];
    // 600 rows of ~1.2 KB: 700 KB of operations, more than one Pipelines request may carry
    for (let i = 1; i <= 600; i++) lines.push(i === 300 ? ['huge', ...wide.map(() => cell)].join(',') : [`w${i}`, ...wide.map((_, c) => (c < 1 ? 'y'.repeat(1_000) : ''))].join(','));
    const file = writeCsv(folder, 'wide.csv', `${lines.join('\n')}\n`);
    const result = await runCli([file, '--api', 'pipelines', '--json', '--state-dir', join(folder, 'state'), '--failed', failedPath], pipelinesEnv(cio));
    expect(result.code, result.stderr).toBe(1);
    expect(result.json).toMatchObject({ rows: 600, delivered: 599, rejected: 1 });
    const rows: string[][] = parse(readFileSync(failedPath), { relax_column_count: true });
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[0]).toBe('huge');
    expect(rows[1]?.at(-1)).toMatch(/^local: /);
    expect(cio.person('huge').state).toBe('unknown');
    const stats = cio.pipelinesStats();
    // nothing refused as oversize by the emulator (400 in strict mode): the importer sized every request
    expect(stats.rejectedRequests).toBe(0);
    expect(stats.requests).toBeGreaterThanOrEqual(2);
    expect(stats.acceptedCalls).toBe(599);
    expectAlwaysStrict(cio);
  });

  it('a replayed import is deduplicated by messageId: no event is applied twice', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'events.csv', eventsCsv(250));
    const first = await runCli([file, '--api', 'pipelines', '--kind', 'events', '--json', '--state-dir', join(folder, 'state')], pipelinesEnv(cio));
    expect(first.code, first.stderr).toBe(0);
    // the same file again from the first row (a re-run after a lost checkpoint): every envelope id is the same
    const again = await runCli([file, '--api', 'pipelines', '--kind', 'events', '--json', '--state-dir', join(folder, 'state-lost')], pipelinesEnv(cio));
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ rows: 250, delivered: 250 });
    const stats = cio.pipelinesStats();
    expect(stats.acceptedCalls).toBe(250);
    expect(stats.duplicateMessages).toBe(250);
    expect(cio.events({ name: 'purchased', limit: 1_000 })).toHaveLength(250);
    expectAlwaysStrict(cio);
  });

  it('killed mid-run then --resume: every row delivered once; rows sent again across the kill are deduplicated by messageId', async () => {
    const total = 2_000;
    // a slow Pipelines port so the run can be killed part-way
    const cio = await emulator({ faults: { latencyMs: 150 } });
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'events.csv', eventsCsv(total));
    const args = [file, '--api', 'pipelines', '--kind', 'events', '--json', '--progress', 'none', '--batch-size', '50', '--concurrency', '2', '--state-dir', state];
    const child = spawnCli(args, pipelinesEnv(cio));
    const done = finished(child);
    await checkpointShowsProgress(join(state, 'events.csv.checkpoint.json'), total);
    child.kill('SIGKILL');
    expect((await done).code).toBe(null);
    expect(cio.pipelinesStats().acceptedCalls).toBeLessThan(total);

    cio.configure({ faults: { latencyMs: 0 } });
    const resumed = await runCli([...args, '--resume'], pipelinesEnv(cio));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json['resumedFrom']).toBeGreaterThan(0);
    expect((resumed.json['resumedFrom'] as number) + (resumed.json['delivered'] as number)).toBe(total);
    expect(cio.events({ name: 'purchased', limit: 10_000 })).toHaveLength(total);
    const stats = cio.pipelinesStats();
    expect(stats.acceptedCalls).toBe(total);
    expectAlwaysStrict(cio);
  });

  it('--dry-run names the API and sends nothing', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(10));
    const result = await runCli([file, '--api', 'pipelines', '--dry-run', '--json', '--state-dir', join(folder, 'state')], pipelinesEnv(cio));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('dry run (Data Pipelines API, --api pipelines)');
    expect(cio.pipelinesStats().requests).toBe(0);
  });

  it('--dry-run rejects the rows Pipelines would refuse, by row and reason, exactly as the real run then does', async () => {
    const cio = await emulator();
    const folder = dir();
    // _update: true is an update-only identify, which Pipelines has no call for: the transport refuses it locally
    const lines = ['id,_update,plan'];
    for (let i = 1; i <= 20; i++) lines.push(`p${i},${i === 5 || i === 12 ? 'true' : 'false'},pro`);
    const file = writeCsv(folder, 'users.csv', `${lines.join('\n')}\n`);
    const args = (failed: string, ...more: string[]): string[] => [file, '--api', 'pipelines', '--allow-reserved', '_update', '--json', '--state-dir', join(folder, 'state'), '--failed', join(folder, failed), ...more];

    const dry = await runCli(args('dry.failed.csv', '--dry-run'), pipelinesEnv(cio));
    expect(cio.pipelinesStats().requests).toBe(0);
    const real = await runCli(args('real.failed.csv'), pipelinesEnv(cio));
    expect(real.json).toMatchObject({ rows: 20, delivered: 18, rejected: 2, rejectedByReason: { pipelines_unsupported: 2 } });
    expect(cio.stats().sizes.people).toBe(18);
    expect(dry.json).toMatchObject({ rows: 20, rejected: 2, rejectedByReason: { pipelines_unsupported: 2 }, dryRun: true });
    expect(dry.code).toBe(real.code);
    // the same rows, with the same reason and message, in both failed-rows files
    const dryRows: string[][] = parse(readFileSync(join(folder, 'dry.failed.csv')));
    expect(dryRows.slice(1).map((row) => row.slice(0, 2))).toEqual([['p5', 'true'], ['p12', 'true']]);
    expect(dryRows[1]?.[3]).toMatch(/^local: pipelines_unsupported \(attributes\._update\): .*update-only/);
    expect(dryRows).toEqual(parse(readFileSync(join(folder, 'real.failed.csv'))));
  });

  it('the wrong credentials for the chosen API stop at start, naming the variable (exit 2)', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(1));
    const [trackOnly, pipelinesOnly, badApi] = await Promise.all([
      runCli([file, '--api', 'pipelines'], { ...cleanEnv(), CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: SECRET_KEY }),
      runCli([file], { ...cleanEnv(), CUSTOMERIO_PIPELINES_WRITE_KEY: WRITE_KEY }),
      runCli([file, '--api', 'cdp'], cleanEnv()),
    ]);
    expect(trackOnly.code).toBe(2);
    expect(trackOnly.stderr).toMatch(/^cioscale-import: CUSTOMERIO_PIPELINES_WRITE_KEY /);
    expect(pipelinesOnly.code).toBe(2);
    expect(pipelinesOnly.stderr).toMatch(/use --api pipelines or CIO_API=pipelines/);
    expect(badApi.code).toBe(2);
    expect(badApi.stderr).toContain('--api');
    for (const result of [trackOnly, pipelinesOnly, badApi]) expect(shown(result)).not.toMatch(new RegExp(`${WRITE_KEY}|${SECRET_KEY}`));
  });

  it('without a write key, --api pipelines imports into an embedded emulator through its Pipelines port', async () => {
    const folder = dir();
    const file = writeCsv(folder, 'users.csv', peopleCsv(30));
    const result = await runCli([file, '--api', 'pipelines', '--json', '--progress', 'plain', '--state-dir', join(folder, 'state')], cleanEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ rows: 30, delivered: 30, target: 'embedded-emulator' });
    expect(result.stderr).toMatch(/sending to the embedded emulator: Data Pipelines API at http:\/\/127\.0\.0\.1:\d+ \(write key \*\*\*, strict mode\)/);
  });
});
