import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorHandle } from '@cioscale/emulator';
import { describe, expect, it } from 'vitest';
import { envFor, eventsCsv, finished, peopleCsv, runCli, spawnCli, useWorkspace, writeCsv } from './helpers.js';

/** Resolves once the checkpoint file says some rows, but not all, are done. */
async function checkpointShowsProgress(path: string, total: number): Promise<number> {
  for (;;) {
    if (existsSync(path)) {
      try {
        const { rowsDone } = JSON.parse(readFileSync(path, 'utf8')) as { rowsDone: number };
        if (rowsDone > 0 && rowsDone < total) return rowsDone;
        if (rowsDone >= total) throw new Error('the run finished before it could be stopped; slow the emulator down');
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function distinctEventIds(cio: EmulatorHandle): number {
  return new Set(cio.events({ limit: 100_000 }).map((event) => event.id)).size;
}

describe('checkpoint, --resume and deterministic event ids', () => {
  const { emulator, dir } = useWorkspace();
  const slow = ['--batch-size', '50', '--concurrency', '2', '--json', '--progress', 'none'];

  it('killed mid-run then --resume: every row delivered, no duplicate event stored', async () => {
    const total = 3000;
    const cio = await emulator({ faults: { latencyMs: 150 } });
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'events.csv', eventsCsv(total));
    const child = spawnCli([file, '--kind', 'events', '--state-dir', state, ...slow], envFor(cio));
    const done = finished(child);
    await checkpointShowsProgress(join(state, 'events.csv.checkpoint.json'), total);
    child.kill('SIGKILL');
    expect((await done).code).toBe(null);
    expect(cio.stats().sizes.events).toBeLessThan(total);

    cio.configure({ faults: { latencyMs: 0 } });
    const resumed = await runCli([file, '--kind', 'events', '--state-dir', state, '--resume', ...slow], envFor(cio));
    expect(resumed.code).toBe(0);
    expect(resumed.json['resumedFrom']).toBeGreaterThan(0);
    expect((resumed.json['resumedFrom'] as number) + (resumed.json['delivered'] as number)).toBe(total);
    expect(cio.stats().sizes.events).toBe(total);
    expect(distinctEventIds(cio)).toBe(total);
  });

  it('Ctrl-C stops reading, writes the checkpoint and exits 130; --resume finishes the file', async () => {
    const total = 2000;
    const cio = await emulator({ faults: { latencyMs: 150 } });
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'users.csv', peopleCsv(total));
    const child = spawnCli([file, '--state-dir', state, ...slow], envFor(cio));
    const done = finished(child);
    await checkpointShowsProgress(join(state, 'users.csv.checkpoint.json'), total);
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.json).toMatchObject({ status: 'interrupted', failed: 0 });
    const checkpoint = JSON.parse(readFileSync(join(state, 'users.csv.checkpoint.json'), 'utf8')) as { rowsDone: number; complete: boolean };
    // every row read before the stop got its outcome: the checkpoint covers exactly them
    expect(checkpoint).toMatchObject({ rowsDone: interrupted.json['rows'], complete: false });

    cio.configure({ faults: { latencyMs: 0 } });
    const resumed = await runCli([file, '--state-dir', state, '--resume', ...slow], envFor(cio));
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({ resumedFrom: checkpoint.rowsDone, delivered: total - checkpoint.rowsDone });
    expect(cio.stats().sizes.people).toBe(total);
  });

  it('re-running an events file sends the same event ids, which the emulator deduplicates', async () => {
    const cio = await emulator();
    const folder = dir();
    const file = writeCsv(folder, 'events.csv', eventsCsv(200));
    const args = [file, '--kind', 'events', '--json', '--state-dir', join(folder, 'state')];
    expect((await runCli(args, envFor(cio))).code).toBe(0);
    expect((await runCli(args, envFor(cio))).code).toBe(0);
    expect(cio.stats()).toMatchObject({ duplicateEvents: 200, sizes: { events: 200 } });
  });

  it('--diff: the second run sends only new and changed rows', async () => {
    const cio = await emulator();
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'users.csv', peopleCsv(100));
    const first = await runCli([file, '--diff', '--json', '--state-dir', state], envFor(cio));
    expect(first.json).toMatchObject({ rows: 100, delivered: 100, skipped: 0 });

    // rows 1–5 change plan, rows 101–103 are new
    writeFileSync(file, peopleCsv(103, (i) => (i <= 5 ? 'enterprise' : i % 2 === 0 ? 'pro' : 'free')));
    const requestsBefore = cio.stats().acceptedOperations;
    const second = await runCli([file, '--diff', '--json', '--state-dir', state], envFor(cio));
    expect(second.code).toBe(0);
    expect(second.json).toMatchObject({ rows: 103, delivered: 8, skipped: 95 });
    expect(cio.stats().acceptedOperations - requestsBefore).toBe(8);
    expect(cio.person('u3')).toMatchObject({ attributes: { plan: 'enterprise' } });
    expect(cio.person('u103').state).toBe('active');

    const third = await runCli([file, '--diff', '--json', '--state-dir', state], envFor(cio));
    expect(third.json).toMatchObject({ delivered: 0, skipped: 103, requests: 0 });
  });

  it('stops when retries run out, keeping the checkpoint before the undelivered rows; --resume sends them', async () => {
    const cio = await emulator({ faults: { error503Rate: 1 } });
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'users.csv', peopleCsv(30));
    const down = await runCli([file, '--state-dir', state, '--max-attempts', '2', '--json'], envFor(cio));
    expect(down.code).toBe(2);
    expect(down.json).toMatchObject({ status: 'fatal', delivered: 0, failed: 30 });
    expect(down.stderr).toMatch(/30 row\(s\) could not be delivered: .*HTTP 503.*--resume/);
    const checkpoint = JSON.parse(readFileSync(join(state, 'users.csv.checkpoint.json'), 'utf8')) as { rowsDone: number };
    expect(checkpoint.rowsDone).toBe(0);

    cio.configure({ faults: { error503Rate: 0 } });
    const resumed = await runCli([file, '--state-dir', state, '--resume', '--json'], envFor(cio));
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({ delivered: 30, resumedFrom: 0 });
    expect(cio.stats().sizes.people).toBe(30);
  });
});
