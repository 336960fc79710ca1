import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRedisClient, readBulkRuns, readLanes, setBulkControl } from '@cioscale/queue';
import { freshNamespace, useTestRedis, waitFor } from '@cioscale/test-support';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/args.js';
import { EXIT_CODES } from '../src/exitCodes.js';
import { envFor, finished, peopleCsv, runCli, spawnCli, useWorkspace, writeCsv } from './helpers.js';

const ctx = useTestRedis((url) => createRedisClient(url, 'worker'));
const workspace = useWorkspace();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the importer on the shared budget (--redis)', () => {
  it('pause from the monitor stops its requests within a second, resume restarts them, cancel exits like Ctrl-C and --resume finishes', async () => {
    const emulator = await workspace.emulator();
    const dir = workspace.dir();
    const file = writeCsv(dir, 'people.csv', peopleCsv(2_000));
    const namespace = freshNamespace();
    const env = { ...envFor(emulator), REDIS_URL: ctx.server.url };
    // one row a request at 40 req/s: the run lasts long enough to be paused in the middle
    // (--grace: the rows already read would take the read-ahead window's worth of requests to finish)
    const child = spawnCli([file, '--batch-size', '1', '--rate', '40', '--grace', '1500', '--namespace', namespace, '--progress', 'plain'], env);
    const run = finished(child);
    const requests = (): number => emulator.stats().requests;
    await waitFor('the import sending', () => requests() >= 20, 20_000);
    // it takes from the bulk lane of the workspace's budget, and says so
    expect((await readLanes(ctx.redis, 'default', namespace))?.bulk.granted).toBeGreaterThan(0);
    expect((await readBulkRuns(ctx.redis, 'default', namespace))[0]).toMatchObject({ source: 'people.csv', state: 'running' });

    await setBulkControl(ctx.redis, 'default', 'pause', namespace);
    await sleep(1_000);
    const afterOneSecond = requests();
    await sleep(1_000);
    expect(requests()).toBe(afterOneSecond);
    await waitFor('the run reported paused', async () => (await readBulkRuns(ctx.redis, 'default', namespace))[0]?.state === 'paused', 3_000);

    await setBulkControl(ctx.redis, 'default', 'resume', namespace);
    await waitFor('sending again', () => requests() >= afterOneSecond + 10, 5_000);

    await setBulkControl(ctx.redis, 'default', 'cancel', namespace);
    const cancelled = await run;
    expect(cancelled.code).toBe(EXIT_CODES.interrupted);
    expect(cancelled.stdout).toContain('budget: shared budget of workspace "default"');
    expect(cancelled.stdout).toContain('lane bulk');
    expect(cancelled.stdout).toContain('paused from the monitor');
    expect(cancelled.stdout).toContain('resumed from the monitor');
    expect(cancelled.stdout).toContain('cancelled from the monitor');
    expect(existsSync(join(dir, '.cioscale'))).toBe(true);
    const sentBefore = emulator.stats().acceptedOperations;
    expect(sentBefore).toBeLessThan(2_000);

    // a run started after the cancel is not cancelled: --resume continues where it stopped
    const resumed = await runCli([file, '--resume', '--batch-size', '200', '--namespace', namespace, '--progress', 'none', '--json'], env);
    expect(resumed.code).toBe(EXIT_CODES.ok);
    expect(resumed.json['resumedFrom']).toBeGreaterThan(0);
    expect(emulator.stats().acceptedOperations).toBeGreaterThanOrEqual(2_000);
  }, 60_000);

  it('reads --redis, the fleet\'s namespace and the quiet hours; refuses the shared-budget flags without Redis, naming the flag', async () => {
    const file = writeCsv(workspace.dir(), 'people.csv', peopleCsv(1));
    const shared = (await parseCli([file, '--window', '22:00-06:00', '--window-tz', 'Europe/Berlin'], { REDIS_URL: 'redis://127.0.0.1:6390', CIO_QUEUE_NAMESPACE: 'fleet' })).options.sharedBudget;
    expect(shared).toMatchObject({ redisUrl: 'redis://127.0.0.1:6390', namespace: 'fleet', workspace: 'default', lane: 'bulk', window: { startMinute: 1320, endMinute: 360, timeZone: 'Europe/Berlin' } });
    expect((await parseCli([file], {})).options.sharedBudget).toBeUndefined();
    await expect(parseCli([file, '--window', '22:00-06:00'], {})).rejects.toThrow('--window must be used with --redis');
    await expect(parseCli([file, '--redis', 'http://x'], {})).rejects.toThrow(/--redis must be a redis:\/\//);
    await expect(parseCli([file, '--redis', 'redis://h', '--lane', 'live', '--window', '22:00-06:00'], {})).rejects.toThrow(/--window must be used with the bulk lane/);
  });
});
