import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLI_PORT, parseCliArgs } from '../src/cliArgs.js';
import { EmulatorOptionError } from '../src/errors.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('parseCliArgs', () => {
  it('fills in documented defaults', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'run', statsIntervalSeconds: 0, options: { port: DEFAULT_CLI_PORT, workspaces: ['site:key'], faults: {} } });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('reads every flag', () => {
    const command = parseCliArgs([
      '-p', '0', '--host', '0.0.0.0', '-w', 'a:ka,b:kb', '--workspace', 'c:k:with:colons', '--rate', '0', '--burst', '20', '--no-retry-after',
      '--ledger', 'counters', '--dedupe-window', '10', '--latency', '5', '--jitter', '2', '--error-500', '0.1', '--error-503', '0.2',
      '--reset', '0.05', '--hang', '0.05', '--hang-ms', '1000', '--force-429', '3000', '--stats-interval', '5',
    ]);
    expect(command).toEqual({
      kind: 'run',
      statsIntervalSeconds: 5,
      options: {
        port: 0,
        host: '0.0.0.0',
        workspaces: ['a:ka', 'b:kb', 'c:k:with:colons'],
        rate: 0,
        burst: 20,
        retryAfter: false,
        ledger: 'counters',
        dedupeWindow: 10,
        faults: { latencyMs: 5, jitterMs: 2, error500Rate: 0.1, error503Rate: 0.2, resetRate: 0.05, hangRate: 0.05, hangMs: 1000, force429Ms: 3000 },
      },
    });
  });

  it('reads environment variables, and flags win over them', () => {
    const env = { CIO_EMULATOR_PORT: '4200', CIO_EMULATOR_WORKSPACES: 'x:kx,y:ky', CIO_EMULATOR_RATE: '7', CIO_EMULATOR_BURST: '3', CIO_EMULATOR_LEDGER: 'counters', CIO_EMULATOR_HOST: '::1' };
    expect(parseCliArgs([], env)).toMatchObject({ options: { port: 4200, workspaces: ['x:kx', 'y:ky'], rate: 7, burst: 3, ledger: 'counters', host: '::1' } });
    expect(parseCliArgs(['--rate', '9', '-w', 'z:kz'], env)).toMatchObject({ options: { rate: 9, workspaces: ['z:kz'] } });
    expect(parseCliArgs([], { CIO_EMULATOR_RATE_LIMIT_MODE: 'soft' })).toMatchObject({ options: { rateLimitMode: 'soft' } });
    expect(parseCliArgs(['--rate-limit-mode', 'hard'], { CIO_EMULATOR_RATE_LIMIT_MODE: 'soft' })).toMatchObject({ options: { rateLimitMode: 'hard' } });
  });

  it('names the flag or variable in its errors, and never echoes an API key', () => {
    const message = (argv: string[], env = {}): string => {
      try {
        parseCliArgs(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(EmulatorOptionError);
        return (error as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(message(['--rate', 'fast'])).toBe('--rate must be a number of requests per second ≥ 0 (0 = unlimited); received "fast"');
    expect(message(['--port', '70000'])).toBe('--port must be an integer port from 0 to 65535; received "70000"');
    expect(message(['--burst', '0'])).toBe('--burst must be a number of requests ≥ 1; received "0"');
    expect(message(['--error-500', '1.5'])).toBe('--error-500 must be a fraction between 0 and 1; received "1.5"');
    expect(message(['--error-500', '0.6', '--hang', '0.6'])).toContain('at most 1');
    expect(message(['--ledger', 'some'])).toBe('--ledger must be "full" or "counters"; received "some"');
    expect(message(['--rate-limit-mode', 'lax'])).toBe('--rate-limit-mode must be "hard" or "soft"; received "lax"');
    expect(message(['--dedupe-window', '20000000'])).toBe('--dedupe-window must be an integer from 0 to 16777215; received "20000000"');
    expect(message([], { CIO_EMULATOR_RATE: '-1' })).toContain('CIO_EMULATOR_RATE must be');
    expect(message(['--colour'])).toContain("Unknown option '--colour'");
    expect(message(['--rate'])).toContain('--rate');
    const missingKey = message(['-w', 'site-only']);
    expect(missingKey).toContain('--workspace must be siteId:apiKey pairs');
    expect(message(['-w', ':secret-key'])).not.toContain('secret-key');
  });
});

// Each test starts node with the tsx loader, which takes seconds on a busy machine.
describe('the cioscale-emulator command', { timeout: 30_000 }, () => {
  function run(args: string[]): ReturnType<typeof spawn> {
    return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...args], { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Collects a child's output; `firstLine` resolves with its first line. */
  function collect(stream: NodeJS.ReadableStream): { text: () => string; firstLine: Promise<string> } {
    let text = '';
    // A listener rather than `for await`, which would destroy the pipe when left early.
    const firstLine = new Promise<string>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        text += String(chunk);
        if (text.includes('\n')) resolve(text.split('\n')[0] as string);
      });
    });
    return { text: () => text, firstLine };
  }

  it('prints its URL first, serves the Track API, and stops cleanly on SIGTERM without printing the key', async () => {
    const child = run(['--port', '0', '--workspace', 'cli-site:very-secret-key', '--rate', '0']);
    const stdout = collect(child.stdout as NodeJS.ReadableStream);
    const stderr = collect(child.stderr as NodeJS.ReadableStream);
    const url = await stdout.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await fetch(`${url}/api/v1/customers/1`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from('cli-site:very-secret-key').toString('base64')}`, 'content-type': 'application/json' },
      body: '{"plan":"pro"}',
    });
    expect(response.status).toBe(200);
    expect(await (await fetch(`${url}/__emulator/people/1`)).json()).toMatchObject({ attributes: { plan: 'pro' } });

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout.text()).toContain('received SIGTERM, stopping');
    expect(stdout.text()).toContain('cli-site: 1 requests, 1 operations');
    expect(stdout.text() + stderr.text()).not.toContain('very-secret-key');
  });

  it('exits 2 with a message naming the flag', async () => {
    const child = run(['--burst', 'lots']);
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(errors).toContain('--burst must be a number of requests ≥ 1; received "lots"');
  });
});
