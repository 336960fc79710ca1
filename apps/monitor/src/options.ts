import { DEFAULT_NAMESPACE, loadWorkspaces, redisTargetFromEnv, type RedisTarget } from '@cioscale/queue';
import { Command, InvalidArgumentError } from 'commander';
import type { WatchedWorkspace } from './model/monitorSource.js';

/** Everything the monitor is told at start, validated. */
export interface MonitorOptions {
  readonly redis: RedisTarget;
  readonly namespace: string;
  /** Workspaces shown from the start; those the workers report are added. */
  readonly workspaces: readonly WatchedWorkspace[];
  /** Workspace selected at start. */
  readonly selected: string | undefined;
  readonly intervalMs: number;
  readonly maxFps: number;
  readonly budgetStep: number;
  readonly deadLetterSamples: number;
  readonly once: boolean;
  readonly json: boolean;
}

const number = (min: number, integer: boolean) => (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) throw new InvalidArgumentError(`${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  return value;
};

/**
 * Parses the command line (commander) over the environment the worker reads too: `REDIS_URL` /
 * `REDIS_CLUSTER_NODES`, `CIO_QUEUE_NAMESPACE`, `CIO_WORKSPACES_FILE`. Flags win.
 *
 * @param argv - full `process.argv` (node and script first); a leading `--` from `pnpm run x --` is skipped
 * @throws {CommanderError} via commander's own exit on a bad flag (exit code 2 in the CLI)
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): MonitorOptions {
  const args = argv[2] === '--' ? [...argv.slice(0, 2), ...argv.slice(3)] : [...argv];
  const opts = new Command('cioscale-monitor')
    .description('Live terminal monitor of the cioscale queues, workers and rate budgets (reads Redis).')
    .option('--redis <url>', 'Redis URL (default: REDIS_URL or REDIS_CLUSTER_NODES, else redis://127.0.0.1:6379)')
    .option('--namespace <name>', 'key namespace shared with the workers (default: CIO_QUEUE_NAMESPACE or cio)')
    .option('-w, --workspace <name...>', 'workspaces to show from the start; the first is selected (the workers\' own are added)')
    .option('--workspaces-file <file>', 'JSON workspaces file, for names and shard counts (default: CIO_WORKSPACES_FILE)')
    .option('-i, --interval <ms>', 'time between readings of Redis', number(100, true), 1_000)
    .option('--max-fps <n>', 'most redraws per second, however fast readings come', number(1, true), 10)
    .option('--budget-step <req/s>', 'what + and - add to or take from the budget', number(1, false), 10)
    .option('--dead-letters <n>', 'recent dead letters read per workspace', number(0, true), 5)
    .option('--once', 'take one reading (two, one interval apart, for the rates), print it and exit')
    .option('--json', 'print readings as JSON (one object with --once, else one line per reading)')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .parse(args)
    .opts<{ redis?: string; namespace?: string; workspace?: string[]; workspacesFile?: string; interval: number; maxFps: number; budgetStep: number; deadLetters: number; once?: boolean; json?: boolean }>();
  const file = opts.workspacesFile ?? env['CIO_WORKSPACES_FILE']?.trim();
  const fromFile: WatchedWorkspace[] = file ? loadWorkspaces(file).map(({ name, shards }) => ({ name, shards })) : [];
  const named = (opts.workspace ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean);
  const workspaces = [...fromFile, ...named.filter((name) => !fromFile.some((workspace) => workspace.name === name)).map((name) => ({ name }))];
  return {
    redis: opts.redis ?? redisTargetFromEnv(env),
    namespace: opts.namespace ?? (env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE),
    workspaces,
    selected: named[0],
    intervalMs: opts.interval,
    maxFps: opts.maxFps,
    budgetStep: opts.budgetStep,
    deadLetterSamples: opts.deadLetters,
    once: opts.once === true,
    json: opts.json === true,
  };
}
