/**
 * Timers the server holds on behalf of requests (injected latency, hanging requests), kept in one
 * place so closing the emulator cancels them instead of waiting for them.
 */
export class TimerSet {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Runs `callback` after `ms` milliseconds unless cancelled first. */
  after(ms: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
  }

  /** Resolves after `ms` milliseconds; never resolves if cancelled first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Cancels every pending timer. */
  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
