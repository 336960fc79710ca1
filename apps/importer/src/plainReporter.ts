import type { ProgressReporter, ProgressSnapshot } from './types.js';

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

/** `12.0 s · 120,000 rows (40%) · 10,000 rows/s · 20 req · 0 429s · 0 retries`. */
export function progressLine(s: ProgressSnapshot): string {
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(s.rows / seconds) : 0;
  return `${seconds.toFixed(1)} s · ${s.rows.toLocaleString('en-US')} rows (${Math.round(s.fractionRead * 100)}%) · ${rate.toLocaleString('en-US')} rows/s · delivered ${s.delivered.toLocaleString('en-US')} · rejected ${s.rejected} · ${s.requests} req · ${s.rateLimited} 429s · ${s.retries} retries`;
}
