/**
 * The command line of `cioscale-plan` (and `pnpm run plan`): commander parses, the checks here say which flag
 * is wrong and why. Every failure is a `ConfigurationError` naming the flag.
 */
import { resolve } from 'node:path';
import { ConfigurationError } from '@cioscale/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CUSTOMERIO, DEFAULT_BUDGET_RATE, DEFAULT_REDIS_NODE_GB, PLAN_DEFAULTS } from './constants.js';
import type { PlanInput, Region } from './plan.js';

export interface PlanRequest {
  readonly input: PlanInput;
  /** Print the plan as one JSON document on stdout. */
  readonly json: boolean;
  /** Where to write the kustomize overlay, resolved. */
  readonly overlayDir: string | undefined;
}

const SUFFIXES: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, b: 1e9 };

/** "5M", "100K", "2.5m", "5000000", "5_000_000", "5,000,000" → a count; anything else is refused. */
export function parseCount(text: string): number {
  const match = /^(\d[\d_,]*(?:\.\d+)?)([kmb]?)$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError('expected a count such as 5M, 100K or 5000000');
  const value = Number((match[1] as string).replace(/[_,]/g, '')) * (SUFFIXES[(match[2] as string).toLowerCase()] as number);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a count > 0');
  return Math.round(value);
}

const number = (check: (value: number) => boolean, expected: string) => (text: string): number => {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !check(value)) throw new InvalidArgumentError(`expected ${expected}`);
  return value;
};

function program(): Command {
  return new Command('cioscale-plan')
    .description("Size a cioscale deployment: the brief's tier for a daily volume, the request and fleet arithmetic, Redis memory for an outage, and what breaks first.")
    .addOption(new Option('--daily-operations <count>', 'operations a day, all workspaces (5M, 100K, 5000000)').argParser(parseCount).makeOptionMandatory())
    .option('--peak-factor <x>', "busiest rate ÷ the day's average", number((v) => v >= 1, 'a number ≥ 1'), PLAN_DEFAULTS.peakFactor)
    .option('--budget <req/s>', 'request budget of each workspace', number((v) => v > 0, 'a number > 0'), DEFAULT_BUDGET_RATE)
    .option('--avg-op-bytes <bytes>', 'serialized size of an average operation', number((v) => Number.isInteger(v) && v >= 2 && v <= CUSTOMERIO.operationBytes, `an integer from 2 to ${CUSTOMERIO.operationBytes} (Customer.io's limit per operation)`), PLAN_DEFAULTS.avgOperationBytes)
    .option('--outage-hours <h>', 'how long delivery may stop while producers keep enqueueing', number((v) => v >= 0, 'a number ≥ 0'), PLAN_DEFAULTS.outageHours)
    .option('--workspaces <n>', 'Customer.io workspaces the volume is spread over', number((v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'), PLAN_DEFAULTS.workspaces)
    .addOption(new Option('--region <region>', 'us or eu').choices(['us', 'eu']).default(PLAN_DEFAULTS.region))
    .option('--backfill-rows <count>', 'rows of a one-off backfill to time at the budget (5M, 100K, …)', (text: string) => parseCount(text))
    .option('--redis-memory-gb <GB>', 'memory of one Redis node; the backlog must fit in half of it, for the fork (an assumption: set yours)', number((v) => v > 0, 'a number > 0'), DEFAULT_REDIS_NODE_GB)
    .option('--json', 'print the plan as JSON on stdout', false)
    .option('--write-overlay <dir>', 'write a kustomize overlay over k8s/base with these numbers into <dir>')
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (text) => process.stdout.write(text) });
}

/**
 * Parses `argv` (without node and script). A leading `--` is dropped: `pnpm run plan -- --daily-operations 5M`
 * passes it on to the script, and commander would take every flag after it for an argument.
 * @throws {@link ConfigurationError} naming the flag; `CommanderError` for --help
 */
export function parseArgs(argv: readonly string[], cwd: string = process.cwd()): PlanRequest {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const command = program();
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.help')) throw error;
    throw fromCommander(error as Error);
  }
  if (command.args.length > 0) throw new ConfigurationError('the command line', 'flags only (see --help)', JSON.stringify(command.args.join(' ')));
  const flags = command.opts<Record<string, unknown>>();
  return {
    json: flags['json'] === true,
    overlayDir: typeof flags['writeOverlay'] === 'string' ? resolve(cwd, flags['writeOverlay']) : undefined,
    input: {
      dailyOperations: flags['dailyOperations'] as number,
      peakFactor: flags['peakFactor'] as number,
      budget: flags['budget'] as number,
      avgOperationBytes: flags['avgOpBytes'] as number,
      outageHours: flags['outageHours'] as number,
      workspaces: flags['workspaces'] as number,
      region: flags['region'] as Region,
      ...(flags['backfillRows'] !== undefined && { backfillRows: flags['backfillRows'] as number }),
      redisNodeGb: flags['redisMemoryGb'] as number,
    },
  };
}

/** Commander's refusal as a ConfigurationError naming the flag (`--budget must be a number > 0; received "-5"`). */
function fromCommander(error: Error): ConfigurationError {
  const message = error.message.replace(/^error: /, '');
  const invalid = /^option '(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(message);
  if (invalid) {
    const [, flag, value, reason] = invalid as unknown as [string, string, string, string];
    const expected = reason.replace(/^expected /, '').replace(/^Allowed choices are (.*)\.$/, 'one of $1');
    return new ConfigurationError(flag, expected, JSON.stringify(value), { cause: error });
  }
  const missingValue = /^option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missingValue) return new ConfigurationError(missingValue[1] as string, 'given a value', '(nothing)', { cause: error });
  const mandatory = /^required option '(--[\w-]+)[^']*' not specified/.exec(message);
  if (mandatory) return new ConfigurationError(mandatory[1] as string, 'given (e.g. --daily-operations 5M)', '(not set)', { cause: error });
  const unknown = /^unknown option '(.*)'/.exec(message);
  if (unknown) return new ConfigurationError(unknown[1] as string, 'a flag --help lists', undefined, { cause: error, label: `unknown flag ${unknown[1]}: it` });
  return new ConfigurationError('the command line', 'flags as --help lists them', message, { cause: error });
}
