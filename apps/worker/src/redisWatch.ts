import type { EventEmitter } from 'node:events';

/** What {@link watchRedis} tells the rest of the worker. */
export interface RedisWatch {
  /** True from the first connection error until the connection is ready again. */
  isDown(): boolean;
  /**
   * Counts `error` into the outage summary instead of logging it when it is one more symptom of the outage
   * (a refused or closed connection, a wrong password, a Redis still loading its AOF); false when it is not
   * and should be logged.
   */
  absorb(error: unknown): boolean;
  /** Stops the summary timer. */
  stop(): void;
}

/** Options of {@link watchRedis}. */
export interface RedisWatchOptions {
  /** How often a summary line says the outage goes on, in ms. @defaultValue 30_000 */
  readonly summaryMs?: number;
}

/**
 * Logs a Redis outage once, then as a count: the first error in full (`cannot reach …`), a summary line
 * every `summaryMs` while it lasts, and `connected …` with the number of errors when it is over. Without
 * it every BullMQ connection (the worker's, its blocking one, the bucket's) logged each reconnection: a
 * wrong password printed WRONGPASS 26 times in 7 s.
 *
 * @param redis - the worker's main connection (`error` and `ready` events)
 * @param target - how to name Redis in the log, without its password
 */
export function watchRedis(redis: EventEmitter, target: string, log: (line: string) => void, options: RedisWatchOptions = {}): RedisWatch {
  let down = false;
  let lastMessage = '';
  let sinceSummary = 0;
  let total = 0;
  const summary = setInterval(() => {
    if (!down || sinceSummary === 0) return;
    log(`redis: still cannot reach ${target} (${lastMessage}); ${sinceSummary} more error(s) in the last ${Math.round((options.summaryMs ?? 30_000) / 1000)} s`);
    sinceSummary = 0;
  }, options.summaryMs ?? 30_000);
  summary.unref();
  const count = (error: unknown): void => {
    lastMessage = error instanceof Error ? error.message : String(error);
    sinceSummary += 1;
    total += 1;
  };
  redis.on('error', (error: Error) => {
    if (down) return count(error);
    down = true;
    total = 0;
    sinceSummary = 0;
    log(`redis: cannot reach ${target} (${error.message}); retrying, /readyz answers 503 until it is back`);
  });
  redis.on('ready', () => {
    if (down) log(`redis: connected to ${target}${total > 0 ? ` after ${total} more error(s) while it was unreachable` : ''}`);
    down = false;
  });
  return {
    isDown: () => down,
    absorb: (error) => {
      if (!down || !isOutageError(error)) return false;
      count(error);
      return true;
    },
    stop: () => clearInterval(summary),
  };
}

/** Errors that only say Redis is not usable yet; none of them carries a secret. */
function isOutageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  return error instanceof Error && /Connection is closed|connect E[A-Z]+|^WRONGPASS|^NOAUTH|^LOADING|Command timed out/.test(error.message);
}
