import { ConfigurationError } from '@cioscale/core';
import { asyncScheduler, distinctUntilChanged, Observable, type SchedulerLike } from 'rxjs';

/** Quiet hours of the bulk lane: a daily span of local time in a named IANA time zone. */
export interface BulkWindow {
  /** Minutes after local midnight the window opens. */
  readonly startMinute: number;
  /** Minutes after local midnight it closes; below `startMinute` it wraps past midnight. */
  readonly endMinute: number;
  /** IANA zone name, e.g. `Europe/Berlin`: always named, so a reader knows which 22:00 is meant. */
  readonly timeZone: string;
}

const SPAN = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})(?:\s+(\S+))?$/;

/** The zone this process runs in, by IANA name (`UTC` when the system names none). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Parses `22:00-06:00` or `22:00-06:00 Europe/Berlin`; the zone comes from the text, else `timeZone`, else
 * this process's zone.
 * @throws ConfigurationError naming `setting` (e.g. `--window`, `--window-tz`)
 */
export function parseBulkWindow(text: string, timeZone?: string, setting = '--window', zoneSetting = '--window-tz'): BulkWindow {
  const match = SPAN.exec(text.trim());
  if (!match) throw new ConfigurationError(setting, 'a daily span HH:MM-HH:MM, optionally followed by an IANA time zone (22:00-06:00 Europe/Berlin)', JSON.stringify(text));
  const [, h1, m1, h2, m2, zoneInText] = match as unknown as [string, string, string, string, string, string | undefined];
  const minute = (h: string, m: string): number => {
    const hours = Number(h);
    const minutes = Number(m);
    if (hours > 23 || minutes > 59) throw new ConfigurationError(setting, 'times from 00:00 to 23:59', JSON.stringify(text));
    return hours * 60 + minutes;
  };
  const startMinute = minute(h1, m1);
  const endMinute = minute(h2, m2);
  if (startMinute === endMinute) throw new ConfigurationError(setting, 'a span whose start and end differ', JSON.stringify(text));
  if (zoneInText !== undefined && timeZone !== undefined && zoneInText !== timeZone) {
    throw new ConfigurationError(zoneSetting, `the zone of ${setting} (${zoneInText}) or none`, JSON.stringify(timeZone));
  }
  const zone = zoneInText ?? timeZone ?? localTimeZone();
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new ConfigurationError(zoneInText !== undefined ? setting : zoneSetting, 'an IANA time zone such as Europe/Berlin or America/New_York', JSON.stringify(zone));
  }
  return { startMinute, endMinute, timeZone: zone };
}

/** `22:00-06:00 Europe/Berlin`: how the window is shown to a user. */
export function describeBulkWindow(window: BulkWindow): string {
  const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${hhmm(window.startMinute)}-${hhmm(window.endMinute)} ${window.timeZone}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight in `timeZone` at `epochMs` (the wall clock, DST included). */
function localMinute(epochMs: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(epochMs));
  const value = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** Whether `epochMs` falls inside the window (start included, end excluded), on the zone's wall clock. */
export function insideBulkWindow(window: BulkWindow, epochMs: number): boolean {
  const minute = localMinute(epochMs, window.timeZone);
  return window.startMinute < window.endMinute
    ? minute >= window.startMinute && minute < window.endMinute
    : minute >= window.startMinute || minute < window.endMinute;
}

/**
 * `in` / `out` now, then at every change. The wall clock is checked at each minute boundary: windows are
 * given in whole minutes and every zone's offset is whole minutes, so a switch is seen at its minute,
 * across midnight and DST changes alike.
 *
 * @param options.now - ms since the epoch; @defaultValue `Date.now` (tests pass a virtual clock)
 */
export function bulkWindowStates(window: BulkWindow, options: { readonly scheduler?: SchedulerLike; readonly now?: () => number } = {}): Observable<'in' | 'out'> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => Date.now());
  return new Observable<'in' | 'out'>((subscriber) => {
    const check = (): void => {
      const at = now();
      subscriber.next(insideBulkWindow(window, at) ? 'in' : 'out');
      const delay = 60_000 - (((at % 60_000) + 60_000) % 60_000);
      subscription.add(scheduler.schedule(check, delay));
    };
    const subscription = scheduler.schedule(check);
    return subscription;
  }).pipe(distinctUntilChanged());
}
