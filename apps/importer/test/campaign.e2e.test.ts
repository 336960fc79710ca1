import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, runCli, useWorkspace, writeCsv } from './helpers.js';

/** Three events of u1: no timestamp, an hour ago, and in 2023; and one row without a person. */
function eventsFile(folder: string): string {
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  return writeCsv(folder, 'events.csv', `person,name,timestamp\nu1,opened,\nu1,clicked,${hourAgo}\nu1,bought,1700000000\n,orphan,\n`);
}

describe('campaign safety: events that can trigger campaigns are counted, announced, or refused', () => {
  const { emulator, dir } = useWorkspace();

  it('--dry-run prints the impact report: reasons, identifies vs events, events by age, recent ones called out', async () => {
    const cio = await emulator();
    const folder = dir();
    const result = await runCli([eventsFile(folder), '--kind', 'events', '--dry-run', '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({
      rows: 4,
      valid: 3,
      rejected: 1,
      pending: 0,
      rejectedByReason: { missing_identifier: 1 },
      impact: { identifies: 0, events: 3, recentEvents: 2, eventsByAge: { none: 1, within72h: 1, older: 1 } },
    });
    const report = result.stderr;
    expect(report).toContain('rejected by reason: missing_identifier 1');
    expect(report).toContain('would send: 0 identifies · 3 events');
    expect(report).toContain('events by age: no timestamp 1 · future 0 · ≤ 72 h 1 · ≤ 30 days 0 · older 1');
    expect(report).toMatch(/⚠ recent events: 2 .* would trigger campaigns/);
    expect(report).toContain('unchanged since the last --diff (skipped): 0');
    expect(cio.stats().requests).toBe(0);
  });

  it('warns before sending recent events and counts them in the summary', async () => {
    const cio = await emulator();
    const folder = dir();
    const result = await runCli([eventsFile(folder), '--kind', 'events', '--json', '--progress', 'plain', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ delivered: 3, impact: { recentEvents: 2 } });
    const warning = result.stderr.indexOf("72-hour window, or without a timestamp, can trigger campaigns");
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(warning).toBeLessThan(result.stderr.indexOf('Imported'));
    expect(result.stderr).toMatch(/row 1 is the first recent event sent/);
  });

  it('--no-recent-events rejects them, naming the reason, and sends only the old event', async () => {
    const cio = await emulator();
    const folder = dir();
    const result = await runCli([eventsFile(folder), '--kind', 'events', '--no-recent-events', '--json', '--state-dir', join(folder, 'state')], envFor(cio));
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ rows: 4, delivered: 1, rejected: 3, rejectedByReason: { recent_event: 2, missing_identifier: 1 }, impact: { recentEvents: 0 } });
    expect(cio.events({ limit: 10 }).map((e) => e.name)).toEqual(['bought']);
  });
});
