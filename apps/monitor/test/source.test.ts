import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { track } from '@cioscale/core';
import { DeadLetter, MetricsChannel, queueLocation } from '@cioscale/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorSource } from '../src/model/monitorSource.js';
import { report } from './support/fixtures.js';
import { REDIS_PASSWORD, redisFixture, seedWorkspace, type RedisFixture } from './support/redis.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let fixture: RedisFixture;

beforeAll(async () => {
  fixture = await redisFixture();
  await seedWorkspace(fixture, 'default', 80, 25);
  await new MetricsChannel(fixture.admin, { namespace: fixture.namespace }).publish({ workerId: 'host-1-42', host: 'host-1', pid: 42, startedAt: Date.now() - 5_000, workspaces: { default: report(Date.now(), { delivered: 10, inFlight: 3 }) } });
  await new DeadLetter(fixture.admin, queueLocation(fixture.namespace, 'default', 0)).add({
    id: 'dead-1',
    workspace: 'default',
    operation: track('ada', 'signed_up', { email: 'ada@example.com' }),
    producedAt: Date.now(),
    status: 'rejected',
    reason: 'too_long',
    message: 'event name is 120 bytes',
    origin: 'customerio',
    attempts: 1,
    deadAt: Date.now(),
  });
});
afterAll(async () => fixture.close());

describe('MonitorSource', () => {
  it('reads job counts, the budget without changing it, live workers and dead-letter reasons — and no secret or customer data', async () => {
    const source = new MonitorSource({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: 'default' }] });
    try {
      const snapshot = await source.read();
      expect(snapshot.connected).toBe(true);
      const [workspace] = snapshot.workspaces;
      expect(workspace?.queues[0]).toMatchObject({ shard: 0, paused: false, waitList: `{${fixture.namespace}:default}:ops:wait`, counts: { waiting: 25, active: 0 } });
      expect(workspace?.budget).toMatchObject({ ceiling: 80, rate: 80, burst: 10, pausedUntil: 0 });
      expect(workspace?.deadLetters).toEqual({ count: 1, recent: [expect.objectContaining({ id: 'dead-1', reason: 'too_long', message: 'event name is 120 bytes' })] });
      expect(snapshot.workers.map((worker) => [worker.id, worker.workspaces['default']?.inFlight])).toEqual([['host-1-42', 3]]);
      const json = JSON.stringify(snapshot);
      expect(json).not.toContain(REDIS_PASSWORD);
      expect(json).not.toContain('ada@example.com');
      expect(snapshot.redis).toBe(`redis://:***@127.0.0.1:${fixture.server.port}`);
    } finally {
      await source.close();
    }
  });

  it('writes nothing when it reads: a workspace without a budget keeps having none', async () => {
    const source = new MonitorSource({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: 'unborn' }] });
    try {
      expect((await source.read()).workspaces.find((workspace) => workspace.name === 'unborn')?.budget).toBeNull();
      // reading writes nothing at all: no bucket, no BullMQ meta
      expect(await fixture.admin.keys(`{${fixture.namespace}:unborn}*`)).toEqual([]);
    } finally {
      await source.close();
    }
  });

  it('reports "not connected" instead of throwing while Redis is unreachable', async () => {
    const source = new MonitorSource({ redis: 'redis://127.0.0.1:1', namespace: fixture.namespace, timeoutMs: 300 });
    try {
      const snapshot = await source.read();
      expect(snapshot).toMatchObject({ connected: false, workspaces: [], workers: [] });
      expect(snapshot.error).toMatch(/ECONNREFUSED|not connected/);
    } finally {
      await source.close();
    }
  });
});

describe('cli --once --json', () => {
  it('prints one view with rates as JSON, without the password, and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', cli, '--once', '--json', '--interval', '200', '--redis', fixture.url, '--namespace', fixture.namespace], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    });
    expect(stdout).not.toContain(REDIS_PASSWORD);
    const view = JSON.parse(stdout) as { connected: boolean; workspaces: { name: string; depth: { depth: number }; rates: { delivered: number } }[]; workers: { id: string }[] };
    expect(view.connected).toBe(true);
    expect(view.workspaces.map((workspace) => [workspace.name, workspace.depth.depth])).toEqual([['default', 25]]);
    expect(view.workers.map((worker) => worker.id)).toEqual(['host-1-42']);
  });

  it('exits 1 with connected: false when Redis is unreachable', async () => {
    const failure = await run(process.execPath, ['--conditions=source', '--import', 'tsx', cli, '--once', '--json', '--redis', 'redis://127.0.0.1:1'], { cwd: fileURLToPath(new URL('../../..', import.meta.url)) }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure?.stdout ?? '{}')).toMatchObject({ connected: false });
    expect(failure?.stderr.trim().split('\n')).toEqual([expect.stringContaining('cannot reach Redis at redis://127.0.0.1:1')]);
  });

  it('the live view started against an unreachable Redis exits 1 with a one-line reason, password masked', async () => {
    const failure = await run(process.execPath, ['--conditions=source', '--import', 'tsx', cli, '--redis', 'redis://:hunter2@127.0.0.1:1'], { cwd: fileURLToPath(new URL('../../..', import.meta.url)) }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const lines = failure?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cioscale monitor: cannot reach Redis at redis:\/\/.*127\.0\.0\.1:1: /);
    expect(failure?.stderr).not.toContain('hunter2');
  });
});
