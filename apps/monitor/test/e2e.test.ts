import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle } from '@cioscale/emulator';
import { startScript, type LoggedChild } from '@cioscale/test-support';
// the fleet the monitor watches: the worker's own entry points, found through its package
import { workerScriptPath } from '@cioscale/worker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_PASSWORD, redisFixture, type RedisFixture } from './support/redis.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let fixture: RedisFixture;
let emulator: EmulatorHandle;
let logDir: string;
const children: LoggedChild[] = [];
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  fixture = await redisFixture();
  emulator = await startEmulator({ workspaces: ['site:key'], rate: 0, ledger: 'counters' });
  logDir = mkdtempSync(join(tmpdir(), 'cio-monitor-e2e-'));
  const env = {
    PATH: process.env['PATH'] ?? '',
    REDIS_URL: fixture.url,
    CIO_QUEUE_NAMESPACE: fixture.namespace,
    CUSTOMERIO_SITE_ID: 'site',
    CUSTOMERIO_TRACK_API_KEY: 'key',
    CIO_TRACK_URL: emulator.url,
    CIO_RATE_LIMIT: '100',
    CIO_BATCH_MAX_OPERATIONS: '25',
    WORKER_DRAIN_TIMEOUT_MS: '1000',
    PORT: '0',
  };
  children.push(startScript('worker 1', workerScriptPath('main.ts'), [], { env, cwd: root, logFile: join(logDir, 'worker-1.log') }));
  children.push(startScript('loadgen', workerScriptPath('loadgen.ts'), ['--rate', '500', '--duration', '120'], { env, cwd: root, logFile: join(logDir, 'loadgen.log') }));
});

afterAll(async () => {
  await tmux?.close();
  await Promise.all(children.map((child) => child.stop(3_000)));
  await emulator.close();
  await fixture.close();
  rmSync(logDir, { recursive: true, force: true });
});

const logs = (): string => children.map((child) => `--- ${child.name}\n${readFileSync(child.logFile, 'utf8').slice(-2_000)}`).join('\n');

describe('the monitor in a real terminal', () => {
  it('shows the live fleet (throughput, the worker, the budget gauge), never the password, and exits 0 on q', { timeout: 120_000 }, async () => {
    const monitor = [process.execPath, '--conditions=source', '--import', 'tsx', 'apps/monitor/src/cli.ts', '--redis', fixture.url, '--namespace', fixture.namespace, '--interval', '500'];
    tmux = await startTmux(`'${monitor.join("' '")}'; echo "monitor-exit=$?"; sleep 300`, { cwd: root, columns: 120, rows: 40 });
    const workerId = `${hostname()}-${children[0]?.child.pid}`;
    const delivering = (screen: string): boolean => Number(/delivered\s+([\d,.]+) ops\/s/.exec(screen)?.[1]?.replace(/,/g, '') ?? 0) > 0;
    const screen = await tmux
      .waitForScreen(`throughput > 0 and worker ${workerId}`, (text) => delivering(text) && text.includes(workerId), 90_000)
      .catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs()}`);
      });
    expect(screen).toMatch(/budget\s+█*\s*░*\s*[\d.,]+\/100 req\/s/);
    expect(screen).toContain('● connected');
    expect(screen).toContain('q quit');
    expect(screen).not.toContain(REDIS_PASSWORD);
    await tmux.keys('q');
    await tmux.waitForScreen('the monitor to exit 0', (text) => /monitor-exit=\d+/.test(text), 15_000);
    expect(await tmux.screen()).toContain('monitor-exit=0');
  });
});
