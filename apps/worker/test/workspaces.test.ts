import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from '@cioscale/core';
import { parseWorkspaces } from '@cioscale/queue';
import { waitFor } from '@cioscale/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWorker } from './support/spawnWorker.js';
import { get, metric, startStack, type Stack } from './support/stack.js';

// a: 20 req/s, one queue; b: 50 req/s over two shards — each with its own credentials
const config = {
  workspaces: [
    { name: 'a', siteIdEnv: 'A_SITE_ID', apiKeyEnv: 'A_API_KEY', rate: 20, burst: 2 },
    { name: 'b', siteIdEnv: 'B_SITE_ID', apiKeyEnv: 'B_API_KEY', region: 'eu', rate: 50, burst: 5, shards: 2 },
  ],
};
const file = join(mkdtempSync(join(tmpdir(), 'cio-workspaces-')), 'workspaces.json');
writeFileSync(file, JSON.stringify(config));
const credentials = { CIO_WORKSPACES_FILE: file, A_SITE_ID: 'site-a', A_API_KEY: 'key-a', B_SITE_ID: 'site-b', B_API_KEY: 'key-b' };

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('a worker with a workspaces file', () => {
  it('serves only the CIO_WORKSPACES subset, and with the whole file delivers to each workspace with its credentials and budget', async () => {
    stack = await startStack({
      workspaces: parseWorkspaces(config),
      // the emulator enforces the same rates; its burst is the worker's plus a quarter second of the rate,
      // because it counts a request when its event loop (this test's, on a shared 2-core CI machine) gets to
      // it, and a stall there bunches requests sent on time (one CI run saw a single 429 with burst 4).
      // An overspend is sustained, not a quarter second: a second worker's budget still shows as 429s.
      emulator: { workspaces: [{ siteId: 'site-a', apiKey: 'key-a', rate: 20, burst: 7 }, { siteId: 'site-b', apiKey: 'key-b', rate: 50, burst: 18 }] },
    });
    const { producer, emulator, env } = stack;
    const ops = (workspace: string) => Array.from({ length: 150 }, (_, index) => ({ operation: track(`${workspace}${index}`, 'viewed'), workspace }));
    const idsA = await producer.enqueueMany(ops('a'));
    const idsB = await producer.enqueueMany(ops('b'));
    const waitingB = async () => {
      let total = 0;
      for (const queue of producer.queues.get('b') ?? []) total += await queue.getWaitingCount();
      return total;
    };
    const eventIds = (siteId: string) => new Set(emulator.events({ workspace: siteId, limit: 1_000 }).map((event) => event.id));

    // batches of 5 make the budget bind: 30 requests for a at 20 req/s
    const startedAt = Date.now();
    const onlyA = await spawnWorker(env({ ...credentials, CIO_WORKSPACES: 'a', CIO_BATCH_MAX_OPERATIONS: '5' }));
    await waitFor('a delivered', () => eventIds('site-a').size === 150);
    const secondsA = (Date.now() - startedAt) / 1000;
    expect(eventIds('site-a')).toEqual(new Set(idsA));
    const statsA = emulator.stats('site-a');
    expect(statsA.rateLimited).toBe(0);
    expect(statsA.requests).toBeLessThanOrEqual(20 * secondsA + 2);
    // b untouched: all its jobs still wait in its two queues, nothing reached its workspace
    expect(await waitingB()).toBe(150);
    expect(emulator.stats('site-b').requests).toBe(0);
    expect(metric((await get(onlyA, '/metrics')).body, 'cioscale_bucket_ceiling', { workspace: 'b' })).toBeUndefined();
    onlyA.child.kill('SIGTERM');
    expect(await onlyA.exited).toBe(0);

    const both = await spawnWorker(env({ ...credentials, CIO_BATCH_MAX_OPERATIONS: '5' }));
    await waitFor('b delivered', () => eventIds('site-b').size === 150);
    expect(eventIds('site-b')).toEqual(new Set(idsB));
    expect(emulator.stats('site-b').rateLimited).toBe(0);
    // more for a while b drains: each workspace's ledger gets only its own operations
    const moreA = await producer.enqueueMany(ops('a').map((item, index) => ({ ...item, operation: track(`a-more${index}`, 'viewed') })));
    await waitFor('a delivered again', () => eventIds('site-a').size === 300);
    expect(eventIds('site-a')).toEqual(new Set([...idsA, ...moreA]));
    expect(await waitingB()).toBe(0);
    const text = (await get(both, '/metrics')).body;
    expect(metric(text, 'cioscale_bucket_ceiling', { workspace: 'a' })).toBe(20);
    expect(metric(text, 'cioscale_bucket_ceiling', { workspace: 'b' })).toBe(50);
    expect(metric(text, 'cioscale_operations_total', { workspace: 'b', status: 'delivered' })).toBe(150);
    expect(metric(text, 'cioscale_queue_jobs', { workspace: 'b', shard: '1', state: 'completed' })).toBeGreaterThan(0);
    expect(both.output()).toMatch(/workspaces a \(20 req\/s\), b \(50 req\/s\)/);
  });
});
