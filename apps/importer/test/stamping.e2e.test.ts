/**
 * Updates never go back in time (issue 16, importer side): the first delivery of person 42's older row
 * (plan=a) hangs, the newer row (plan=b) is delivered, then a's retry arrives — and Customer.io (here the
 * emulator, which orders a person's writes by `timestamp`, the later arrival winning only at an equal one)
 * keeps plan=b, because the importer stamped a one second older than b. Without stamps a's retry, arriving
 * last, would win.
 *
 * How a's retry is made to arrive after b: every request carries one row (`--batch-size 1`); the emulator
 * hangs every request until the test sees the first hang (a's) and turns hanging off. The budget (20 req/s,
 * burst 10) sends b, behind 29 rows of other people, ~1 s after a, so b is answered at once, while a (and
 * the others that hung) are retried after the 2.5 s `--timeout`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorHandle } from '@cioscale/emulator';
import { describe, expect, it } from 'vitest';
import { envFor, finished, runCli, spawnCli, useWorkspace, writeCsv } from './helpers.js';

const { emulator, dir } = useWorkspace();

const CSV = `id,plan\n42,a\n${Array.from({ length: 29 }, (_, i) => `other-${i},x`).join('\n')}\n42,b\n`;
const FLAGS = ['--batch-size', '1', '--concurrency', '16', '--rate', '20', '--timeout', '2500', '--json', '--progress', 'none'];

/** The plans of person 42 seen while the run goes on (polled every 10 ms), and a's hang turned off once seen. */
function watch(cio: EmulatorHandle): { seen: Set<string | undefined>; stop: () => void } {
  const seen = new Set<string | undefined>();
  const timer = setInterval(() => {
    if (cio.stats().faults.hangs > 0 && cio.config().faults.hangRate > 0) cio.configure({ faults: { hangRate: 0 } });
    const person = cio.person('42');
    seen.add(person.state === 'active' ? (person.attributes['plan'] as string | undefined) : undefined);
  }, 10);
  return { seen, stop: () => clearInterval(timer) };
}

const planOf = (cio: EmulatorHandle): unknown => {
  const person = cio.person('42');
  return person.state === 'active' ? person.attributes['plan'] : person.state;
};

describe('per-run stamps', () => {
  it("a retried older identify delivered after a newer one of the same person does not overwrite it", async () => {
    const cio = await emulator({ faults: { hangRate: 1 } });
    const folder = dir();
    const file = writeCsv(folder, 'people.csv', CSV);
    const watcher = watch(cio);
    const result = await runCli([file, '--state-dir', join(folder, 'state'), ...FLAGS], envFor(cio));
    watcher.stop();
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ delivered: 31, failed: 0 });
    expect(result.json['retries']).toBeGreaterThanOrEqual(1);
    // the scenario happened: b was stored while a was still waiting for its retry…
    expect(watcher.seen.has('b')).toBe(true);
    // …and a's retry, delivered after it, never replaced it
    expect(watcher.seen.has('a')).toBe(false);
    expect(planOf(cio)).toBe('b');
  });

  it('across --resume: the resumed run stamps a with the first run’s time, so it still loses to b', async () => {
    const cio = await emulator({ faults: { hangRate: 1 } });
    const folder = dir();
    const state = join(folder, 'state');
    const file = writeCsv(folder, 'people.csv', CSV);
    const watcher = watch(cio);
    const child = spawnCli([file, '--state-dir', state, '--grace', '100', ...FLAGS], envFor(cio));
    const done = finished(child);
    while (planOf(cio) !== 'b') await new Promise((resolve) => setTimeout(resolve, 10));
    // interrupted while a hangs: the checkpoint stays before row 1
    child.kill('SIGINT');
    const first = await done;
    watcher.stop();
    expect(first.json).toMatchObject({ status: 'interrupted' });
    const checkpoint = JSON.parse(readFileSync(join(state, 'people.csv.checkpoint.json'), 'utf8')) as { rowsDone: number; runSeconds: number };
    expect(checkpoint.rowsDone).toBe(0);
    // the resumed run starts after b's second (runSeconds + 1), so stamping it "now" would let a win;
    // `--limit 1` makes a the only row it sends, after b
    while (Math.floor(Date.now() / 1000) <= checkpoint.runSeconds + 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const resumed = await runCli([file, '--state-dir', state, '--resume', '--limit', '1', ...FLAGS], envFor(cio));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ delivered: 1, resumedFrom: 0 });
    expect(watcher.seen.has('a')).toBe(false);
    expect(planOf(cio)).toBe('b');
  });
});
