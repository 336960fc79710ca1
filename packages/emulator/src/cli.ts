#!/usr/bin/env node
/**
 * `cioscale-emulator` (and `pnpm emulator`): starts the emulator from flags and environment
 * variables. The first line of output is the URL it listens on, so scripts can read it; SIGINT or
 * SIGTERM stops it cleanly. Site ids are printed, API keys never are.
 */
import { parseCliArgs, USAGE } from './cliArgs.js';
import { startEmulator } from './emulator.js';
import type { EmulatorHandle } from './emulator.js';
import { EmulatorOptionError } from './errors.js';

function summary(emulator: EmulatorHandle, siteId: string): string {
  const stats = emulator.stats(siteId);
  const track = `${siteId}: ${stats.requests} requests, ${stats.acceptedOperations} operations, ${stats.rejectedOperations} rejected, ${stats.rateLimited} 429s, ${stats.duplicateEvents} duplicate events`;
  const p = stats.pipelines;
  return p === undefined ? track : `${track}; Pipelines ${p.requests} requests, ${p.acceptedCalls} calls, ${p.rateLimited} 429s, ${p.duplicateMessages} duplicate messages`;
}

async function main(): Promise<number> {
  // A reader that wanted only the first line (the URL) may close the pipe; keep serving.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  let command;
  try {
    command = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof EmulatorOptionError)) throw error;
    process.stderr.write(`cioscale-emulator: ${error.message}\nRun with --help for the list of flags.\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator(command.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cioscale-emulator: cannot start: ${message}\n`);
    return error instanceof EmulatorOptionError ? 2 : 1;
  }
  const config = emulator.config();
  const siteIds = config.workspaces.map((workspace) => workspace.siteId);
  process.stdout.write(`${emulator.url}\n`);
  for (const workspace of config.workspaces) {
    const rate = workspace.rate === 0 ? 'unlimited' : workspace.rateLimitMode === 'soft' ? `${workspace.rate} req/s, soft (counted over 3 s)` : `${workspace.rate} req/s, burst ${workspace.burst}`;
    process.stdout.write(`workspace ${workspace.siteId}: ${rate}, ledger ${workspace.ledger}\n`);
  }
  process.stdout.write(`Track API: ${emulator.url}/api/v1 and ${emulator.url}/api/v2 · admin: ${emulator.url}/__emulator/stats · Ctrl-C to stop\n`);
  if (emulator.pipelinesUrl !== undefined) process.stdout.write(`Data Pipelines API: ${emulator.pipelinesUrl}/v1 (strict mode with X-Strict-Mode: 1)\n`);

  const interval = command.statsIntervalSeconds > 0
    ? setInterval(() => {
        for (const siteId of siteIds) process.stdout.write(`${new Date().toISOString()} ${summary(emulator, siteId)}\n`);
      }, command.statsIntervalSeconds * 1000)
    : undefined;

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (interval !== undefined) clearInterval(interval);
      process.stdout.write(`received ${signal}, stopping\n`);
      for (const siteId of siteIds) process.stdout.write(`${summary(emulator, siteId)}\n`);
      emulator.close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cioscale-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
