import { firstValueFrom } from 'rxjs';
import { publishBulkRun, readBulkControl, readLanes, RedisTokenSource } from '@cioscale/queue';
import { render } from 'ink-testing-library';
import { waitFor } from '@cioscale/test-support';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MonitorApp } from '../src/components/MonitorApp.js';
import { MonitorSource } from '../src/model/monitorSource.js';
import { plain } from './support/views.js';
import { redisFixture, seedWorkspace, type RedisFixture } from './support/redis.js';

let fixture: RedisFixture;
beforeAll(async () => {
  fixture = await redisFixture();
  await seedWorkspace(fixture, 'default', 100, 1);
});
afterAll(async () => fixture.close());

describe('the bulk lane on the monitor', () => {
  it('shows each lane and the bulk run; b pauses and resumes it, ] and } change the floor and ceiling, x cancels', async () => {
    const bulk = new RedisTokenSource(fixture.admin, { namespace: fixture.namespace, workspace: 'default', lane: 'bulk' });
    const live = new RedisTokenSource(fixture.admin, { namespace: fixture.namespace, workspace: 'default' });
    for (let i = 0; i < 5; i++) await Promise.all([firstValueFrom(bulk.take()), firstValueFrom(live.take())]);
    await publishBulkRun(fixture.admin, 'default', { runId: 'r1', source: 'people.csv', host: 'laptop', pid: 42, startedAt: Date.now(), state: 'running', rowsDone: 1234, requests: 5 }, fixture.namespace);
    const source = new MonitorSource({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: 'default' }] });
    const app = render(<MonitorApp backend={source} intervalMs={200} budgetStep={10} />);
    const frame = (): string => plain(app.lastFrame());
    const shows = (text: string) => waitFor(`the screen to show ${JSON.stringify(text)}`, () => frame().includes(text), 10_000);
    try {
      await shows('lanes    live');
      await shows('bulk floor 10 % · ceiling 100 %');
      await shows('people.csv (laptop:42) running, 1,234 rows');
      app.stdin.write('b');
      await waitFor('paused in Redis', async () => (await readBulkControl(fixture.admin, 'default', fixture.namespace)).state === 'paused', 5_000);
      await shows('bulk     paused');
      app.stdin.write('b');
      await waitFor('resumed in Redis', async () => (await readBulkControl(fixture.admin, 'default', fixture.namespace)).state === 'running', 5_000);
      app.stdin.write(']');
      await waitFor('floor 15 %', async () => (await readLanes(fixture.admin, 'default', fixture.namespace))?.bulk.floor === 0.15, 5_000);
      await shows('bulk floor 15 %');
      app.stdin.write('{');
      await waitFor('ceiling 90 %', async () => (await readLanes(fixture.admin, 'default', fixture.namespace))?.bulk.ceiling === 0.9, 5_000);
      app.stdin.write('x');
      await waitFor('cancelled in Redis', async () => (await readBulkControl(fixture.admin, 'default', fixture.namespace)).state === 'cancelled', 5_000);
      await shows('cancelled the bulk runs of default');
    } finally {
      app.unmount();
      await source.close();
    }
  });
});
