/**
 * Runs clean-up steps once, newest first, whatever triggers it first: the demo's end, Ctrl-C or SIGTERM.
 * A step that fails does not stop the others.
 */
export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];
  private running: Promise<void> | undefined;

  /** Adds a step; it runs before the steps added earlier. */
  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step (once; later calls wait for the first run). */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch {
          // keep going: a child that refused to stop must not keep the others running
        }
      }
    })();
    return this.running;
  }
}
