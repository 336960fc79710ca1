import { readBudget, queueLocation } from '@cioscale/queue';
import { Queue } from 'bullmq';
import { render } from 'ink-testing-library';
import { waitFor } from '@cioscale/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MonitorApp } from '../src/components/MonitorApp.js';
import { MonitorSource } from '../src/model/monitorSource.js';
import { plain } from './support/views.js';
import { redisFixture, seedWorkspace, type RedisFixture } from './support/redis.js';

let fixture: RedisFixture;
let source: MonitorSource;
let view: ReturnType<typeof render> | undefined;

beforeAll(async () => {
  fixture = await redisFixture();
  await seedWorkspace(fixture, 'default', 100, 5);
  await seedWorkspace(fixture, 'eu', 50, 2);
});
afterEach(async () => {
  view?.unmount();
  await source.close();
});
afterAll(async () => fixture.close());

function start(): ReturnType<typeof render> {
  source = new MonitorSource({ redis: fixture.url, namespace: fixture.namespace, workspaces: [{ name: 'default' }, { name: 'eu' }] });
  view = render(<MonitorApp backend={source} intervalMs={200} budgetStep={10} />);
  return view;
}

const frameOf = (app: ReturnType<typeof render>): string => plain(app.lastFrame());
/** Waits until the frame passes `check`; the failure shows the frame as it was at the end. */
async function frameWhere(app: ReturnType<typeof render>, what: string, check: (frame: string) => boolean): Promise<void> {
  try {
    await waitFor(what, () => check(frameOf(app)), 10_000);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last frame:\n${frameOf(app)}`);
  }
}
const screenShows = (app: ReturnType<typeof render>, text: string) => frameWhere(app, `the screen to show ${JSON.stringify(text)}`, (frame) => frame.includes(text));

describe('keys', () => {
  it('+ and - change the selected workspace\'s budget in Redis; tab selects the next workspace', async () => {
    const app = start();
    await screenShows(app, '/100 req/s');
    app.stdin.write('+');
    await waitFor('budget 110 in Redis', async () => (await readBudget(fixture.admin, 'default', fixture.namespace))?.ceiling === 110, 10_000);
    await screenShows(app, '/110 req/s');
    app.stdin.write('-');
    app.stdin.write('-');
    await waitFor('budget 90 in Redis', async () => (await readBudget(fixture.admin, 'default', fixture.namespace))?.ceiling === 90, 10_000);
    await screenShows(app, 'budget of default: 100 → 90 req/s');
    app.stdin.write('\t');
    await screenShows(app, 'throughput · eu ·');
    app.stdin.write('+');
    await waitFor('eu budget 60 in Redis', async () => (await readBudget(fixture.admin, 'eu', fixture.namespace))?.ceiling === 60, 10_000);
    // keys typed faster than Ink reads them arrive as one chunk: each still counts
    app.stdin.write('++');
    await waitFor('eu budget 80 in Redis', async () => (await readBudget(fixture.admin, 'eu', fixture.namespace))?.ceiling === 80, 10_000);
    expect((await readBudget(fixture.admin, 'default', fixture.namespace))?.ceiling).toBe(90);
  });

  it('p pauses the selected queue for the whole fleet and resumes it', async () => {
    const location = queueLocation(fixture.namespace, 'default', 0);
    const queue = new Queue(location.name, { connection: fixture.admin, prefix: location.prefix });
    try {
      const app = start();
      await screenShows(app, 'running');
      app.stdin.write('p');
      await waitFor('the queue paused in Redis', () => queue.isPaused(), 10_000);
      await screenShows(app, 'PAUSED');
      app.stdin.write('p');
      await waitFor('the queue resumed in Redis', async () => !(await queue.isPaused()), 10_000);
      await screenShows(app, 'resumed queue default/0');
    } finally {
      await queue.close();
    }
  });

  it('d shows the dead-letter records and hides them again (q is tested in a real terminal, e2e.test.ts)', async () => {
    const app = start();
    await screenShows(app, 'dead letter 0');
    app.stdin.write('d');
    await screenShows(app, 'no records');
    app.stdin.write('d');
    await frameWhere(app, 'the records hidden', (frame) => !frame.includes('no records'));
  });
});
