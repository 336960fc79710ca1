import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../src/config.js';
import { runWorkerScript } from './support/spawnWorker.js';

const SECRET = 'sk-SECRET-9f3a';
const dir = mkdtempSync(join(tmpdir(), 'cio-worker-config-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const twoWorkspaces = file('two.json', { workspaces: [{ name: 'a', siteIdEnv: 'A_SITE', apiKeyEnv: 'A_KEY' }, { name: 'b', siteIdEnv: 'B_SITE', apiKeyEnv: 'B_KEY' }] });
const good = { REDIS_URL: 'redis://127.0.0.1:1', CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: SECRET };

/** [variable the message must name, env overrides]; `undefined` removes a variable. */
const cases: [string, Record<string, string | undefined>][] = [
  ['REDIS_URL', { REDIS_URL: 'not a url' }],
  ['REDIS_URL', { REDIS_URL: `http://:${SECRET}@127.0.0.1:1` }],
  ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'node-a,node-b' }],
  ['CIO_QUEUE_NAMESPACE', { CIO_QUEUE_NAMESPACE: 'has space' }],
  ['CUSTOMERIO_SITE_ID', { CUSTOMERIO_SITE_ID: undefined }],
  ['CUSTOMERIO_TRACK_API_KEY', { CUSTOMERIO_TRACK_API_KEY: undefined }],
  ['CUSTOMERIO_TRACK_API_KEY', { CUSTOMERIO_TRACK_API_KEY: `${SECRET} x` }],
  ['CUSTOMERIO_REGION', { CUSTOMERIO_REGION: 'mars' }],
  ['CIO_TRACK_URL', { CIO_TRACK_URL: `http://site:${SECRET}@127.0.0.1:1` }],
  ['CIO_RATE_LIMIT', { CIO_RATE_LIMIT: 'fast' }],
  ['CIO_RATE_BURST', { CIO_RATE_BURST: '0' }],
  ['CIO_WORKSPACES_FILE', { CIO_WORKSPACES_FILE: join(dir, 'missing.json') }],
  ['CIO_WORKSPACES_FILE', { CIO_WORKSPACES_FILE: file('bad.json', { workspaces: [{ name: 'a', shards: 0 }] }) }],
  ['CIO_WORKSPACES', { CIO_WORKSPACES_FILE: twoWorkspaces, CIO_WORKSPACES: 'c', A_SITE: 's', A_KEY: SECRET, B_SITE: 's', B_KEY: SECRET }],
  ['B_KEY', { CIO_WORKSPACES_FILE: twoWorkspaces, A_SITE: 's', A_KEY: SECRET, B_SITE: 's' }],
  ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: '0' }],
  ['WORKER_REQUEST_CONCURRENCY', { WORKER_REQUEST_CONCURRENCY: 'many' }],
  ['CIO_BATCH_MAX_OPERATIONS', { CIO_BATCH_MAX_OPERATIONS: '1.5' }],
  ['CIO_BATCH_MAX_WAIT_MS', { CIO_BATCH_MAX_WAIT_MS: '-1' }],
  ['CIO_RETRY_MAX_ATTEMPTS', { CIO_RETRY_MAX_ATTEMPTS: '0' }],
  ['PORT', { PORT: '70000' }],
  ['WORKER_DRAIN_TIMEOUT_MS', { WORKER_DRAIN_TIMEOUT_MS: '60000' }],
  ['WORKER_LOCK_DURATION_MS', { WORKER_LOCK_DURATION_MS: '10' }],
  ['WORKER_STALLED_INTERVAL_MS', { WORKER_STALLED_INTERVAL_MS: 'often' }],
  ['CIO_LANE', { CIO_LANE: 'fast' }],
  ['CIO_API', { CIO_API: 'cdp' }],
  ['CUSTOMERIO_PIPELINES_WRITE_KEY', { CIO_API: 'pipelines' }],
  ['CUSTOMERIO_PIPELINES_WRITE_KEY', { CIO_API: 'pipelines', CUSTOMERIO_PIPELINES_WRITE_KEY: `${SECRET} x` }],
  ['CIO_PIPELINES_URL', { CIO_API: 'pipelines', CUSTOMERIO_PIPELINES_WRITE_KEY: SECRET, CIO_PIPELINES_URL: `http://${SECRET}:@127.0.0.1:1` }],
  ['B_WK', { CIO_API: 'pipelines', CIO_WORKSPACES_FILE: file('wk.json', { workspaces: [{ name: 'a', writeKeyEnv: 'A_WK' }, { name: 'b', writeKeyEnv: 'B_WK' }] }), A_WK: SECRET }],
  ['B_WK', { CIO_API: 'pipelines', CIO_WORKSPACES_FILE: file('wk-same.json', { workspaces: [{ name: 'a', writeKeyEnv: 'A_WK' }, { name: 'b', writeKeyEnv: 'B_WK' }] }), A_WK: SECRET, B_WK: SECRET }],
];

function envOf(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...good, ...overrides };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe('the worker configuration', () => {
  it('each bad variable is refused with a message naming it, never echoing a secret', () => {
    for (const [variable, overrides] of cases) {
      const context = `${variable} ${JSON.stringify(Object.keys(overrides))}`;
      let message = '(accepted)';
      try {
        readWorkerConfig(envOf(overrides));
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message, context).toMatch(new RegExp(`^${variable}\\b`));
      expect(message, context).not.toContain(SECRET);
    }
    expect(readWorkerConfig(envOf({})).workspaces.map((served) => served.workspace.name)).toEqual(['default']);
  });

  it('CIO_API=pipelines takes each workspace\'s write key from its writeKeyEnv (no Track credential needed); CIO_LANE picks the lane', () => {
    const defaults = readWorkerConfig(envOf({}));
    expect(defaults).toMatchObject({ api: 'track', lane: 'live' });
    expect(defaults.workspaces[0]?.sink).toMatchObject({ api: 'track', siteId: 'site', apiKey: SECRET });
    const single = readWorkerConfig({ REDIS_URL: 'redis://127.0.0.1:1', CIO_API: 'pipelines', CUSTOMERIO_PIPELINES_WRITE_KEY: SECRET, CIO_PIPELINES_URL: 'http://127.0.0.1:4200', CIO_LANE: 'Bulk' });
    expect(single).toMatchObject({ api: 'pipelines', lane: 'bulk' });
    expect(single.workspaces[0]?.sink).toEqual({ api: 'pipelines', writeKey: SECRET, region: 'us', url: 'http://127.0.0.1:4200' });
    const two = readWorkerConfig({
      REDIS_URL: 'redis://127.0.0.1:1',
      CIO_API: 'pipelines',
      CIO_WORKSPACES_FILE: file('wk-two.json', { workspaces: [{ name: 'a', writeKeyEnv: 'A_WK', region: 'eu' }, { name: 'b', writeKeyEnv: 'B_WK' }] }),
      A_WK: 'wk-a',
      B_WK: 'wk-b',
    });
    expect(two.workspaces.map((served) => served.sink)).toEqual([
      { api: 'pipelines', writeKey: 'wk-a', region: 'eu' },
      { api: 'pipelines', writeKey: 'wk-b', region: 'us' },
    ]);
  });

  it('the worker process stops at start with exit code 2 and that one line, before touching Redis', async () => {
    // one process per kind of failure: a secret in a URL, a key, a workspaces file, a missing named variable, a range
    const spawned = cases.filter(([variable], index) => ['REDIS_URL', 'CUSTOMERIO_TRACK_API_KEY', 'CIO_TRACK_URL', 'B_KEY', 'WORKER_DRAIN_TIMEOUT_MS'].includes(variable) && index !== 0);
    const results = await Promise.all(spawned.map(([, overrides]) => runWorkerScript(envOf(overrides))));
    results.forEach((result, index) => {
      const [variable, overrides] = spawned[index]!;
      const context = `${variable} ${JSON.stringify(Object.keys(overrides))}:\n${result.stderr}${result.stdout}`;
      expect(result.code, context).toBe(2);
      expect(result.stderr, context).toMatch(new RegExp(`^cioscale worker: ${variable}\\b`));
      expect(result.stderr + result.stdout, context).not.toContain(SECRET);
      // nothing started: no stack trace, no log line
      expect(result.stderr.trim().split('\n'), context).toHaveLength(1);
      expect(result.stdout, context).toBe('');
    });
  });
});
