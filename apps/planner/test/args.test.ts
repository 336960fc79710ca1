import { codeOf } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { parseArgs, parseCount } from '../src/args.js';

/** The message of the error `parseArgs(argv)` throws (failing the test if it throws none or another kind). */
function refusal(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(codeOf(error)).toBe('CIO_CONFIG');
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the daily volume', () => {
  it.each([
    ['5M', 5_000_000],
    ['100K', 100_000],
    ['5000000', 5_000_000],
    ['2.5m', 2_500_000],
    ['5_000_000', 5_000_000],
    ['1B', 1_000_000_000],
  ])('accepts %s as %i', (text, value) => {
    expect(parseCount(text)).toBe(value);
    expect(parseArgs(['--daily-operations', text]).input.dailyOperations).toBe(value);
  });

  it('is read the same after the `--` that `pnpm run plan -- …` passes on', () => {
    expect(parseArgs(['--', '--daily-operations', '5M', '--peak-factor', '3']).input).toMatchObject({ dailyOperations: 5_000_000, peakFactor: 3 });
  });
});

describe('bad input stops with a message naming the flag', () => {
  it.each([
    [['--peak-factor', '8'], '--daily-operations must be given (e.g. --daily-operations 5M); received (not set)'],
    [['--daily-operations', '-5M'], '--daily-operations must be a count such as 5M, 100K or 5000000; received "-5M"'],
    [['--daily-operations', 'lots'], '--daily-operations must be a count such as 5M, 100K or 5000000; received "lots"'],
    [['--daily-operations', '0'], '--daily-operations must be a count > 0; received "0"'],
    [['--daily-operations', '5M', '--budget', '-5'], '--budget must be a number > 0; received "-5"'],
    [['--daily-operations', '5M', '--budget', 'fast'], '--budget must be a number > 0; received "fast"'],
    [['--daily-operations', '5M', '--peak-factor', '0.5'], '--peak-factor must be a number ≥ 1; received "0.5"'],
    [['--daily-operations', '5M', '--avg-op-bytes', '40000'], "--avg-op-bytes must be an integer from 2 to 32000 (Customer.io's limit per operation); received \"40000\""],
    [['--daily-operations', '5M', '--outage-hours', '-1'], '--outage-hours must be a number ≥ 0; received "-1"'],
    [['--daily-operations', '5M', '--workspaces', '1.5'], '--workspaces must be an integer ≥ 1; received "1.5"'],
    [['--daily-operations', '5M', '--region', 'apac'], '--region must be one of us, eu; received "apac"'],
    [['--daily-operations', '5M', '--backfill-rows', 'many'], '--backfill-rows must be a count such as 5M, 100K or 5000000; received "many"'],
    [['--daily-operations', '5M', '--redis-memory-gb', '0'], '--redis-memory-gb must be a number > 0; received "0"'],
    [['--daily-operations'], '--daily-operations must be given a value; received (nothing)'],
    [['--daily-operations', '5M', '--budgte', '10'], 'unknown flag --budgte'],
    [['--daily-operations', '5M', 'extra'], 'the command line must be flags only (see --help); received "extra"'],
  ])('%j', (argv, message) => {
    expect(refusal(argv)).toContain(message);
  });
});

it('fills in the defaults and resolves the overlay folder against the folder given', () => {
  expect(parseArgs(['--daily-operations', '5M', '--write-overlay', 'deploy/plan'], '/home/sre')).toEqual({
    json: false,
    overlayDir: '/home/sre/deploy/plan',
    input: { dailyOperations: 5_000_000, peakFactor: 8, budget: 100, avgOperationBytes: 220, outageHours: 6, workspaces: 1, region: 'us', redisNodeGb: 8 },
  });
});
