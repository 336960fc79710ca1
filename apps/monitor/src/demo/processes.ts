import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** A child process the demo started and must stop. */
export interface DemoChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command args` with its output appended to `logFile` (never to the terminal, where the monitor
 * draws). Children stay in the demo's process group, so closing the terminal takes them down too.
 */
export function startChild(name: string, command: string, args: readonly string[], options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string; readonly logFile: string }): DemoChild {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    // a spawn failure (command missing) has no exit event
    child.once('error', () => resolve('spawn-error'));
  });
  return {
    name,
    child,
    logFile: options.logFile,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

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
