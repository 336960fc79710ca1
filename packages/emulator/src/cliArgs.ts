/**
 * Command-line flags and environment variables of `cioscale-emulator`, parsed with node:util
 * `parseArgs` and validated with messages that name the flag (or variable).
 */
import { parseArgs } from 'node:util';
import { EmulatorOptionError } from './errors.js';
import type { FaultOptions } from './faults.js';
import type { EmulatorOptions } from './options.js';
import { DEFAULT_BURST, DEFAULT_RATE, DEFAULT_WORKSPACE, parseWorkspace } from './options.js';

/** Port the CLI listens on when given neither `--port` nor `CIO_EMULATOR_PORT`. */
export const DEFAULT_CLI_PORT = 4100;

/** The usage text of `--help`. */
export const USAGE = `Usage: cioscale-emulator [flags]

A local Customer.io Track API (v1 + v2) with workspaces, rate limits, fault injection and a ledger.
The first line printed is the URL it listens on; point clients at <url>/api/v1.

Flags (environment variable in brackets):
  -p, --port <n>              port, 0 = any free port           [CIO_EMULATOR_PORT]  (default ${DEFAULT_CLI_PORT})
      --host <address>        interface to listen on            [CIO_EMULATOR_HOST]  (default 127.0.0.1)
  -w, --workspace <site:key>  a workspace; repeat or comma-separate for several
                                                                [CIO_EMULATOR_WORKSPACES] (default ${DEFAULT_WORKSPACE})
      --rate <req/s>          per-workspace rate limit, 0 = unlimited [CIO_EMULATOR_RATE] (default ${DEFAULT_RATE})
      --burst <n>             per-workspace token-bucket size   [CIO_EMULATOR_BURST] (default ${DEFAULT_BURST})
      --rate-limit-mode <m>   hard (bucket of --burst) | soft (rate counted over 3 s: bursts pass,
                              sustained excess gets 429)        [CIO_EMULATOR_RATE_LIMIT_MODE] (default hard)
      --no-retry-after        send 429 without a Retry-After header
      --ledger <mode>         full | counters (counters keeps no people/events) [CIO_EMULATOR_LEDGER] (default full)
      --dedupe-window <n>     event ids remembered by the counters ledger, 0 = off (default 100000)
Data Pipelines (served only when a port is given; see docs/pipelines-api.md):
      --pipelines-port <n>    port of the Pipelines API, 0 = any free port [CIO_EMULATOR_PIPELINES_PORT]
      --write-key <site:key>  the write key of a workspace; repeat for several. Without it a workspace
                              takes its API key as its write key [CIO_EMULATOR_WRITE_KEYS]
Faults (changeable at runtime with POST /__emulator/config):
      --latency <ms>          delay added to every answer (default 0)
      --jitter <ms>           extra random delay in [0, ms) (default 0)
      --error-500 <fraction>  fraction of requests answered 500 (default 0)
      --error-503 <fraction>  fraction of requests answered 503 (default 0)
      --reset <fraction>      fraction of connections reset without an answer (default 0)
      --hang <fraction>       fraction of requests never answered (default 0)
      --hang-ms <ms>          how long a hanging request is held (default 60000)
      --force-429 <ms>        answer everything 429 for this long after start (default 0)
Output:
      --stats-interval <s>    print a stats line every s seconds, 0 = never (default 0)
  -h, --help                  print this help
`;

/** What the command line asks for. */
export type CliCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: EmulatorOptions; readonly statsIntervalSeconds: number };

type Env = Readonly<Record<string, string | undefined>>;

/** Parses `argv` (without node and script) and `env`; flags win over environment variables. */
export function parseCliArgs(argv: readonly string[], env: Env = {}): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        workspace: { type: 'string', short: 'w', multiple: true },
        rate: { type: 'string' },
        burst: { type: 'string' },
        'rate-limit-mode': { type: 'string' },
        'no-retry-after': { type: 'boolean' },
        ledger: { type: 'string' },
        'dedupe-window': { type: 'string' },
        'pipelines-port': { type: 'string' },
        'write-key': { type: 'string', multiple: true },
        latency: { type: 'string' },
        jitter: { type: 'string' },
        'error-500': { type: 'string' },
        'error-503': { type: 'string' },
        reset: { type: 'string' },
        hang: { type: 'string' },
        'hang-ms': { type: 'string' },
        'force-429': { type: 'string' },
        'stats-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs names the flag itself ("Unknown option '--x'"); keep its words.
    throw new EmulatorOptionError('flags', 'known flags with values (see --help)', (error as Error).message);
  }
  if (values.help === true) return { kind: 'help' };

  const pick = (flag: string, variable: string): [string, string] | undefined => {
    const fromFlag = (values as Record<string, unknown>)[flag];
    if (typeof fromFlag === 'string') return [`--${flag}`, fromFlag];
    const fromEnv = env[variable];
    return fromEnv === undefined || fromEnv === '' ? undefined : [variable, fromEnv];
  };
  const numberOf = (flag: string, variable: string, expected: string, valid: (n: number) => boolean): number | undefined => {
    const picked = pick(flag, variable);
    if (picked === undefined) return undefined;
    const [name, text] = picked;
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value) || !valid(value)) throw new EmulatorOptionError(name, expected, text);
    return value;
  };
  const count = (n: number): boolean => Number.isInteger(n) && n >= 0;
  const nonNegative = (n: number): boolean => n >= 0;
  const fraction = (n: number): boolean => n >= 0 && n <= 1;

  const workspaceTexts = values.workspace ?? (env['CIO_EMULATOR_WORKSPACES'] ? [env['CIO_EMULATOR_WORKSPACES']] : [DEFAULT_WORKSPACE]);
  const workspaceOption = values.workspace ? '--workspace' : env['CIO_EMULATOR_WORKSPACES'] ? 'CIO_EMULATOR_WORKSPACES' : 'default workspace';
  const workspaces = workspaceTexts
    .flatMap((text) => text.split(','))
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map((text) => {
      const { siteId, apiKey } = parseWorkspace(text, workspaceOption);
      return `${siteId}:${apiKey}`;
    });
  if (workspaces.length === 0) throw new EmulatorOptionError(workspaceOption, 'at least one siteId:apiKey', '');

  const ledger = pick('ledger', 'CIO_EMULATOR_LEDGER');
  if (ledger !== undefined && ledger[1] !== 'full' && ledger[1] !== 'counters') throw new EmulatorOptionError(ledger[0], '"full" or "counters"', ledger[1]);

  const mode = pick('rate-limit-mode', 'CIO_EMULATOR_RATE_LIMIT_MODE');
  if (mode !== undefined && mode[1] !== 'hard' && mode[1] !== 'soft') throw new EmulatorOptionError(mode[0], '"hard" or "soft"', mode[1]);

  const faults: Record<string, number> = {};
  const faultFlags: [string, keyof FaultOptions, string, (n: number) => boolean][] = [
    ['latency', 'latencyMs', 'a number of milliseconds ≥ 0', nonNegative],
    ['jitter', 'jitterMs', 'a number of milliseconds ≥ 0', nonNegative],
    ['error-500', 'error500Rate', 'a fraction between 0 and 1', fraction],
    ['error-503', 'error503Rate', 'a fraction between 0 and 1', fraction],
    ['reset', 'resetRate', 'a fraction between 0 and 1', fraction],
    ['hang', 'hangRate', 'a fraction between 0 and 1', fraction],
    ['hang-ms', 'hangMs', 'a number of milliseconds ≥ 0', nonNegative],
    ['force-429', 'force429Ms', 'a number of milliseconds ≥ 0', nonNegative],
  ];
  for (const [flag, field, expected, valid] of faultFlags) {
    const value = numberOf(flag, '', expected, valid);
    if (value !== undefined) faults[field] = value;
  }
  const rateFaults = (faults['error500Rate'] ?? 0) + (faults['error503Rate'] ?? 0) + (faults['resetRate'] ?? 0) + (faults['hangRate'] ?? 0);
  if (rateFaults > 1) throw new EmulatorOptionError('--error-500 + --error-503 + --reset + --hang', 'at most 1', rateFaults);

  const port = numberOf('port', 'CIO_EMULATOR_PORT', 'an integer port from 0 to 65535', (n) => count(n) && n <= 65_535) ?? DEFAULT_CLI_PORT;
  const host = pick('host', 'CIO_EMULATOR_HOST')?.[1];
  const rate = numberOf('rate', 'CIO_EMULATOR_RATE', 'a number of requests per second ≥ 0 (0 = unlimited)', nonNegative);
  const burst = numberOf('burst', 'CIO_EMULATOR_BURST', 'a number of requests ≥ 1', (n) => n >= 1);
  const dedupeWindow = numberOf('dedupe-window', '', 'an integer from 0 to 16777215', (n) => count(n) && n < 2 ** 24);
  const statsIntervalSeconds = numberOf('stats-interval', '', 'a number of seconds ≥ 0', nonNegative) ?? 0;

  const pipelinesPort = numberOf('pipelines-port', 'CIO_EMULATOR_PIPELINES_PORT', 'an integer port from 0 to 65535', (n) => count(n) && n <= 65_535);
  const writeKeyTexts = values['write-key'] ?? (env['CIO_EMULATOR_WRITE_KEYS'] ? [env['CIO_EMULATOR_WRITE_KEYS']] : []);
  const writeKeyOption = values['write-key'] ? '--write-key' : 'CIO_EMULATOR_WRITE_KEYS';
  const writeKeys: Record<string, string> = {};
  for (const text of writeKeyTexts.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '')) {
    const { siteId, apiKey } = parseWorkspace(text, writeKeyOption);
    writeKeys[siteId] = apiKey;
  }
  if (pipelinesPort === undefined && Object.keys(writeKeys).length > 0) throw new EmulatorOptionError(writeKeyOption, 'given together with --pipelines-port', '(no Pipelines port)');

  const options: EmulatorOptions = {
    port,
    workspaces,
    faults,
    ...(host === undefined ? {} : { host }),
    ...(rate === undefined ? {} : { rate }),
    ...(burst === undefined ? {} : { burst }),
    ...(mode === undefined ? {} : { rateLimitMode: mode[1] as 'hard' | 'soft' }),
    ...(values['no-retry-after'] === true ? { retryAfter: false } : {}),
    ...(ledger === undefined ? {} : { ledger: ledger[1] as 'full' | 'counters' }),
    ...(dedupeWindow === undefined ? {} : { dedupeWindow }),
    ...(pipelinesPort === undefined ? {} : { pipelines: { port: pipelinesPort, writeKeys } }),
  };
  return { kind: 'run', options, statsIntervalSeconds };
}
