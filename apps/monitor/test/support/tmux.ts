import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment of a person's terminal. Ink renders nothing but the last frame when it believes it
 * runs in CI (is-in-ci: `CI`, `CONTINUOUS_INTEGRATION` or any `CI_*` variable), and CI runs this test
 * with `CI=true`: the tmux server, and so the monitor in it, must not inherit that.
 */
const terminalEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => key !== 'CI' && key !== 'CONTINUOUS_INTEGRATION' && !key.startsWith('CI_')),
);

/** A command running in a detached tmux session on a private server (never the user's own tmux). */
export interface TmuxSession {
  /** The visible screen as text. */
  screen(): Promise<string>;
  /** Types keys (tmux `send-keys` syntax). */
  keys(...keys: string[]): Promise<void>;
  /** Polls the screen until `check` passes; fails with `what` and the last screen after `timeoutMs`. */
  waitForScreen(what: string, check: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Stops this test's tmux server and everything in it. */
  close(): Promise<void>;
}

/** Starts `command` (a shell command line) in a `columns`×`rows` pseudo-terminal. */
export async function startTmux(command: string, options: { readonly cwd: string; readonly columns?: number; readonly rows?: number }): Promise<TmuxSession> {
  const socket = `cio-monitor-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: terminalEnv });
  await tmux('new-session', '-d', '-s', 'monitor', '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40), '-c', options.cwd, command);
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'monitor')).stdout;
  return {
    screen,
    keys: async (...keys) => void (await tmux('send-keys', '-t', 'monitor', ...keys)),
    async waitForScreen(what, check, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        last = await screen().catch((error: unknown) => `(capture-pane failed: ${String(error)})`);
        if (check(last)) return last;
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last screen:\n${last}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    close: async () => void (await tmux('kill-server').catch(() => undefined)),
  };
}
