/** Display formats shared by the panels: figures stay short and keep their width from frame to frame. */

/** `1,234` for integers; one decimal under 10 so small rates (0.4 429s/s) do not read as zero. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  const abs = Math.abs(perSecond);
  if (abs > 0 && abs < 10) return perSecond.toFixed(1);
  return Math.round(perSecond).toLocaleString('en-US');
}

/** `12,345` */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** `8 ms`, `1.2 s` */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `45 s`, `3m 05s`, `2h 10m`; for ETAs and ages. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h ${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

/** `+812/s`, `−1,204/s`, `0/s` */
export function formatTrend(perSecond: number | null): string {
  if (perSecond === null) return '—';
  const text = formatRate(Math.abs(perSecond));
  if (text === '0' || text === '0.0') return '0/s';
  return `${perSecond > 0 ? '+' : '−'}${text}/s`;
}

/** `HH:MM:SS` in local time. */
export function formatClock(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}
