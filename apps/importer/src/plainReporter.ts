import { settledRows, type ProgressReporter, type ProgressSnapshot } from './progress.js';

/**
 * Progress as plain lines, for logs and pipes: one line every `everyMs`, never a cursor trick.
 */
export function plainReporter(write: (line: string) => void, everyMs = 5000): ProgressReporter {
  let lastAt = 0;
  return {
    notice: (message) => write(`${message}\n`),
    update(snapshot: ProgressSnapshot) {
      if (snapshot.elapsedMs - lastAt < everyMs) return;
      lastAt = snapshot.elapsedMs;
      write(`${progressLine(snapshot)}\n`);
    },
    stop: () => undefined,
  };
}

/**
 * `12.0 s · delivered 120,000 of 130,000 read (40% of the file) · 10,000 rows/s · rejected 0 · 20 req · 0 429s · 0 retries`.
 * The rate counts rows with an outcome: reading runs ahead of delivery by the read-ahead window.
 */
export function progressLine(s: ProgressSnapshot): string {
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(settledRows(s) / seconds) : 0;
  const fmt = (value: number): string => value.toLocaleString('en-US');
  const skipped = s.skipped > 0 ? ` · skipped ${fmt(s.skipped)}` : '';
  const valid = s.valid > 0 ? ` · valid ${fmt(s.valid)}` : '';
  const paused = s.paused === true ? 'paused · ' : '';
  return `${paused}${seconds.toFixed(1)} s · delivered ${fmt(s.delivered)} of ${fmt(s.rows)} read (${Math.round(s.fractionRead * 100)}% of the file) · ${fmt(rate)} rows/s${valid}${skipped} · rejected ${fmt(s.rejected)} · ${s.requests} req · ${s.rateLimited} 429s · ${s.retries} retries`;
}
