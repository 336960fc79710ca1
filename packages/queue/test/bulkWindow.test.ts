import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { bulkWindowStates, describeBulkWindow, insideBulkWindow, parseBulkWindow } from '../src/index.js';

/** The window's states in virtual time, starting at the instant `startIso`: `expected` is a marble. */
function expectStates(windowText: string, startIso: string, expected: string, values: Record<string, 'in' | 'out'>): void {
  const window = parseBulkWindow(windowText);
  const base = Date.parse(startIso);
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  scheduler.run(({ expectObservable }) => {
    const states = bulkWindowStates(window, { scheduler, now: () => base + scheduler.now() });
    expectObservable(states.pipe(take(Object.keys(values).length))).toBe(expected, values);
  });
}

describe('quiet hours of the bulk lane', () => {
  it('opens at 22:00 on the zone’s wall clock, to the minute', () => {
    // 21:58:30 in Berlin summer time (UTC+2)
    expectStates('22:00-06:00 Europe/Berlin', '2026-06-10T19:58:30Z', 'a 89999ms (b|)', { a: 'out', b: 'in' });
  });

  it('wraps past midnight and closes at 06:00', () => {
    // 23:59 Berlin: inside, still inside after midnight, out at 06:00 (04:00 UTC in summer)
    expectStates('22:00-06:00 Europe/Berlin', '2026-06-10T21:59:00Z', 'a 21659999ms (b|)', { a: 'in', b: 'out' });
  });

  it('closes at 06:00 local on the night summer time ends (an hour later in UTC than the night before)', () => {
    // 25 Oct 2026 03:00 CEST → 02:00 CET: 06:00 is 05:00 UTC, not 04:00 as with the summer offset
    expectStates('22:00-06:00 Europe/Berlin', '2026-10-25T03:59:00Z', 'a 3659999ms (b|)', { a: 'in', b: 'out' });
  });

  it('closes when the clock jumps past its end on the night summer time starts', () => {
    // 29 Mar 2026 02:00 CET → 03:00 CEST: 02:30 never happens; the window ends at the jump (01:00 UTC)
    expectStates('22:00-02:30 Europe/Berlin', '2026-03-29T00:58:00Z', 'a 119999ms (b|)', { a: 'in', b: 'out' });
  });

  it('a window in New York is judged on New York’s clock wherever the process runs', () => {
    const window = parseBulkWindow('01:00-05:00', 'America/New_York');
    expect(insideBulkWindow(window, Date.parse('2026-01-15T06:00:00Z'))).toBe(true); // 01:00 EST
    expect(insideBulkWindow(window, Date.parse('2026-01-15T05:59:00Z'))).toBe(false); // 00:59 EST
    expect(describeBulkWindow(window)).toBe('01:00-05:00 America/New_York');
  });

  it('refuses a malformed span or an unknown zone, naming the flag', () => {
    expect(() => parseBulkWindow('22-06')).toThrow(/--window/);
    expect(() => parseBulkWindow('25:00-06:00')).toThrow(/--window.*00:00 to 23:59/);
    expect(() => parseBulkWindow('22:00-06:00', 'Mars/Olympus')).toThrow(/--window-tz.*IANA/);
    expect(() => parseBulkWindow('22:00-06:00 Europe/Berlin', 'Europe/Paris')).toThrow(/--window-tz/);
    // the zone is always named, the process's own when none is given
    expect(parseBulkWindow('22:00-06:00').timeZone).toMatch(/\w/);
  });
});
