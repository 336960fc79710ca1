import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A child process a test (or the demo) started and must stop; its output goes to `logFile`. */
export interface LoggedChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Where a child runs and where its output goes. */
export interface LoggedChildOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Appended to, never truncated: a restarted child keeps the earlier run's lines. */
  readonly logFile: string;
}

/**
 * Starts `command args` with its output appended to `logFile` (never to the terminal, where a TUI may
 * draw). Children stay in the caller's process group, so closing the terminal takes them down too.
 */
export function startChild(name: string, command: string, args: readonly string[], options: LoggedChildOptions): LoggedChild {
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
 * Runs a TypeScript entry point of the workspace (`script`, an absolute path, e.g. resolved through its
 * package) as {@link startChild} does, with node's `source` condition and tsx, as the root scripts run them.
 * `options.cwd` must be inside the workspace: node resolves `--import tsx` from there.
 */
export function startScript(name: string, script: string, args: readonly string[], options: LoggedChildOptions): LoggedChild {
  return startChild(name, process.execPath, scriptArgs(script, args), options);
}

/** Node's arguments to run the TypeScript file `script` with `args` from source: `--conditions=source --import tsx script …args`. */
export function scriptArgs(script: string, args: readonly string[] = []): string[] {
  return ['--conditions=source', '--import', 'tsx', script, ...args];
}
