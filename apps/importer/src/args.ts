import { resolve } from 'node:path';
import { ConfigurationError, DEFAULT_BUDGET, DEFAULT_RETRY } from '@cioscale/core';
import { isRegion, readCustomerioEnv, type CustomerioApi, type Region } from '@cioscale/customerio';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseDelimiter, parseEncoding } from './inputFormat.js';
import { DEFAULT_MAPPING, loadMapping, type ImportKind } from './mapping.js';
import { parseAllowReserved } from './reservedNames.js';
import { addSourceOptions, sourceOf } from './sourceArgs.js';
import type { TargetOptions } from './target.js';
import type { ImportOptions } from './importOptions.js';
import { sharedBudgetOf } from './sharedBudgetArgs.js';

/** What the command line asks for. */
export interface CliRequest {
  readonly options: ImportOptions;
  /** Print one JSON summary line on stdout (human output goes to stderr). */
  readonly json: boolean;
  /** `auto`: Ink on a TTY, plain lines otherwise. */
  readonly progress: 'auto' | 'plain' | 'none';
}

const integer = (min: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
  return value;
};
const positive = (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a number > 0');
  return value;
};

function program(): Command {
  const command = new Command('cioscale-import')
    .description('Import a CSV or JSON Lines file, or a PostgreSQL query, of people or events into Customer.io (or, without credentials, into an embedded emulator).')
    .argument('<source>', 'CSV file with a header row, JSON Lines file (.jsonl, .ndjson), or postgres://user@host/db with --query or --table')
    .option('--id-column <name>', 'identifier column of a people import; "email" identifies by email', 'id')
    .option('--encoding <name>', 'encoding of the file, e.g. latin1, windows-1252, utf-16le (default: a byte-order mark, else UTF-8, checked)')
    .option('--delimiter <char>', 'cell delimiter: , ; tab or | (default: detected from the header line)')
    .option('--allow-reserved <names>', 'send these reserved Customer.io attributes anyway (comma-separated: _update, _timestamp, cio_id, anonymous_id, id)')
    .option('--mapping <file>', 'JSON mapping: kind, renames, types, ignored columns, event columns')
    .addOption(new Option('--kind <kind>', 'people or events (overrides the mapping file)').choices(['people', 'events']))
    .option('--rate <req/s>', `request budget [CIO_RATE_LIMIT] (default ${DEFAULT_BUDGET.rate})`, positive)
    .option('--redis <url>', "share the workspace's request budget in Redis with the worker fleet [REDIS_URL]")
    .option('--workspace <name>', 'with --redis: the workspace whose budget this is (default "default")')
    .option('--namespace <name>', 'with --redis: key namespace of the fleet [CIO_QUEUE_NAMESPACE] (default cio)')
    .addOption(new Option('--lane <lane>', 'with --redis: lane of the budget (default bulk: live traffic goes first)').choices(['bulk', 'live']))
    .option('--window <span>', 'with --redis: quiet hours of the bulk lane, e.g. "22:00-06:00" or "22:00-06:00 Europe/Berlin": the whole budget inside, the floor outside')
    .option('--window-tz <zone>', 'IANA time zone of --window (default: this machine\'s zone)')
    .option('--concurrency <n>', 'requests in flight and keep-alive sockets', integer(1), 8)
    .option('--batch-size <n>', 'cap on operations per batch request (default: none; requests are filled to 480 KB)', integer(1))
    .option('--parse-thread', 'read the source in a worker thread (a CSV file of 4 MB and more: parsing; postgres://: the connection and type mapping): faster when a core is free, ~80–120 MB more memory', false)
    .option('--timeout <ms>', 'per-request timeout', integer(1), 10_000)
    .option('--max-attempts <n>', 'attempts per request (retries + 1) before the import stops', integer(1), DEFAULT_RETRY.maxAttempts)
    .addOption(new Option('--region <region>', 'us or eu [CUSTOMERIO_REGION] (default us)').choices(['us', 'eu']))
    .addOption(new Option('--api <api>', 'Customer.io API to deliver to: track (classic; CUSTOMERIO_SITE_ID + CUSTOMERIO_TRACK_API_KEY) or pipelines (Data Pipelines; CUSTOMERIO_PIPELINES_WRITE_KEY) [CIO_API] (default track)').choices(['track', 'pipelines']))
    .option('--limit <n>', 'import at most n data rows', integer(1))
    .option('--dry-run', 'map and validate every row, send nothing, print the impact report', false)
    .option('--no-recent-events', "reject events dated within Customer.io's 72-hour campaign window (or without a timestamp) instead of sending them")
    .option('--resume', 'continue after the last checkpoint', false)
    .option('--diff', 'send only rows that are new or changed since the last --diff run', false)
    .option('--state-dir <dir>', 'folder of the checkpoint and diff store (default: .cioscale/ next to the file)')
    .option('--failed <file>', 'failed-rows CSV (default: <state dir>/<file name>.failed.csv)')
    .option('--grace <ms>', 'after Ctrl-C, how long requests in flight may take', integer(0), 15_000)
    .option('--json', 'print the summary as one JSON line on stdout', false)
    .addOption(new Option('--progress <mode>', 'auto (Ink on a TTY), plain or none').choices(['auto', 'plain', 'none']).default('auto'));
  return addSourceOptions(command)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (text) => process.stdout.write(text) });
}

/**
 * Parses `argv` (without node and script) and the environment into a validated request.
 * @throws {@link ConfigurationError} with a one-line reason naming the flag or variable; `CommanderError` for --help/--version
 */
export async function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRequest> {
  const command = program();
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')) throw error;
    throw fromCommander(error as Error);
  }
  const flags = command.opts<Record<string, unknown>>();
  const from = userDirectory(env);
  const { file, source } = sourceOf(command.args[0] as string, flags, from);
  const path = (flag: string): string | undefined => (typeof flags[flag] === 'string' ? resolve(from, flags[flag]) : undefined);
  const encoding = typeof flags['encoding'] === 'string' ? parseEncoding(flags['encoding']) : undefined;
  const delimiter = typeof flags['delimiter'] === 'string' ? (parseDelimiter(flags['delimiter']), flags['delimiter']) : undefined;
  const allowReserved = typeof flags['allowReserved'] === 'string' ? parseAllowReserved(flags['allowReserved']) : [];
  checkTrackUrl(env['CIO_TRACK_URL']);
  const cio = readCustomerioEnv(env);
  const mappingPath = path('mapping');
  const mapping = mappingPath !== undefined ? await loadMapping(mappingPath) : DEFAULT_MAPPING;
  const kind = (flags['kind'] as ImportKind | undefined) ?? mapping.kind;
  const region = (flags['region'] as Region | undefined) ?? cio.region ?? 'us';
  if (!isRegion(region)) throw new ConfigurationError('--region', 'us or eu', JSON.stringify(region));
  const explicitId = command.getOptionValueSource('idColumn') === 'cli';
  return {
    json: flags['json'] === true,
    progress: flags['progress'] as CliRequest['progress'],
    options: {
      file,
      mapping: { ...mapping, kind },
      idColumn: explicitId ? (flags['idColumn'] as string) : (mapping.idColumn ?? 'id'),
      encoding,
      delimiter,
      allowReserved,
      target: targetOf(cio, region, (flags['api'] as CustomerioApi | undefined) ?? cio.api ?? 'track'),
      rate: (flags['rate'] as number | undefined) ?? cio.rateLimit ?? DEFAULT_BUDGET.rate,
      ...(await sharedBudgetOf(flags, env)),
      concurrency: flags['concurrency'] as number,
      batchSize: flags['batchSize'] as number | undefined,
      parseThread: flags['parseThread'] === true,
      timeoutMs: flags['timeout'] as number,
      maxAttempts: flags['maxAttempts'] as number,
      limit: flags['limit'] as number | undefined,
      dryRun: flags['dryRun'] === true,
      refuseRecentEvents: flags['recentEvents'] === false,
      resume: flags['resume'] === true,
      diff: flags['diff'] === true,
      stateDir: path('stateDir'),
      failedPath: path('failed'),
      graceMs: flags['grace'] as number,
      source,
      every: flags['every'] as number | undefined,
    },
  };
}

/** Commander's refusal as a ConfigurationError naming the flag (`--concurrency must be an integer ≥ 1; received "0"`). */
function fromCommander(error: Error): ConfigurationError {
  const message = error.message.replace(/^error: /, '');
  const invalid = /^option '(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(message);
  if (!invalid) return new ConfigurationError('the command line', 'a file and flags as --help lists them', message, { cause: error });
  const [, flag, value, reason] = invalid as unknown as [string, string, string, string];
  const expected = reason.replace(/^expected /, '').replace(/^Allowed choices are (.*)\.$/, 'one of $1');
  return new ConfigurationError(flag, expected, JSON.stringify(value), { cause: error });
}

/**
 * The sink of the run: `--api` (or `CIO_API`) picks the API, and that API's credentials pick a real
 * target; with none, the embedded emulator speaks that API. Credentials of the other API alone are a
 * mistake worth stopping for, not a reason to import into an emulator quietly.
 */
function targetOf(cio: ReturnType<typeof readCustomerioEnv>, region: Region, api: CustomerioApi): TargetOptions {
  if (api === 'pipelines') {
    if (cio.pipelinesWriteKey !== undefined) {
      return { kind: 'customerio', sink: { api: 'pipelines', writeKey: cio.pipelinesWriteKey, region, ...(cio.pipelinesUrl !== undefined && { url: cio.pipelinesUrl }) } };
    }
    if (cio.pipelinesUrl !== undefined) throw new ConfigurationError('CUSTOMERIO_PIPELINES_WRITE_KEY', 'set with CIO_PIPELINES_URL (the write key of the Pipelines source)', '(unset)');
    if (cio.siteId !== undefined || cio.apiKey !== undefined) {
      throw new ConfigurationError('CUSTOMERIO_PIPELINES_WRITE_KEY', 'set for --api pipelines (CUSTOMERIO_SITE_ID / CUSTOMERIO_TRACK_API_KEY are the Track API\'s: use --api track)', '(unset)');
    }
    return { kind: 'embedded', api };
  }
  if (cio.siteId !== undefined && cio.apiKey !== undefined) {
    return { kind: 'customerio', sink: { api: 'track', siteId: cio.siteId, apiKey: cio.apiKey, region, ...(cio.trackUrl !== undefined && { url: cio.trackUrl }) } };
  }
  if (cio.siteId !== undefined) throw new ConfigurationError('CUSTOMERIO_TRACK_API_KEY', 'set with CUSTOMERIO_SITE_ID (set both, or neither to use the embedded emulator)', '(unset)');
  if (cio.apiKey !== undefined) throw new ConfigurationError('CUSTOMERIO_SITE_ID', 'set with CUSTOMERIO_TRACK_API_KEY (set both, or neither to use the embedded emulator)', '(unset)');
  if (cio.trackUrl !== undefined) throw new ConfigurationError('CIO_TRACK_URL', 'set only with CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY', '(set without them)');
  if (cio.pipelinesWriteKey !== undefined) {
    throw new ConfigurationError('CUSTOMERIO_SITE_ID', 'set with CUSTOMERIO_TRACK_API_KEY for the Track API (CUSTOMERIO_PIPELINES_WRITE_KEY is set: use --api pipelines or CIO_API=pipelines)', '(unset)');
  }
  return { kind: 'embedded', api };
}

/**
 * The folder the user ran the command in. `pnpm run import` runs scripts at the repository root and
 * keeps the user's folder in `INIT_CWD`; a path the user typed is relative to where they typed it. Only
 * the `import` script's `INIT_CWD` is trusted: one inherited from another script (a benchmark, a test
 * run) says nothing about this command.
 */
export function userDirectory(env: NodeJS.ProcessEnv): string {
  return env['npm_lifecycle_event'] === 'import' && env['INIT_CWD'] ? env['INIT_CWD'] : process.cwd();
}

/**
 * Checks `CIO_TRACK_URL` before the customerio package does, to show the whole value (with any credentials
 * masked) and the likely fix: `localhost:4100` parses as a URL whose scheme is `localhost:`.
 */
function checkTrackUrl(text: string | undefined): void {
  const value = text?.trim();
  if (value === undefined || value === '') return;
  const shown = JSON.stringify(maskUrl(value));
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const guess = /^[\w.-]+:\d+/.test(value) || !value.includes('://') ? ` (did you mean "http://${maskUrl(value)}"?)` : '';
    throw new ConfigurationError('CIO_TRACK_URL', 'an http:// or https:// URL such as http://127.0.0.1:4100', `${shown}${guess}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError('CIO_TRACK_URL', 'a URL without credentials (they go in CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY)', shown);
  }
}

/** A URL with its user info and query values replaced by `***`: they may hold a key. */
export function maskUrl(text: string): string {
  return text.replace(/^([a-z][\w+.-]*:\/\/)[^/@]*@/i, '$1***@').replace(/([?&][^=&#]+=)[^&#]*/g, '$1***');
}
