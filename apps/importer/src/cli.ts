#!/usr/bin/env -S node --max-semi-space-size=16
/**
 * `cioscale-import <file> [flags]` (and `pnpm run import <file>`): streams a CSV into Customer.io, or into
 * an embedded emulator when no credentials are set. `cioscale-import sync <source> …` is the same import,
 * incremental by rule (`syncCommand.ts`). Exit codes: see `exitCodes.ts` and the README.
 */
import { codeOf } from '@cioscale/core';
import { CommanderError } from 'commander';
import { parseCli, userDirectory, type CliRequest } from './args.js';
import { ImportError } from './errors.js';
import { EXIT_CODES } from './exitCodes.js';
import { tuneHeapForStreaming } from './heapTuning.js';
import { plainReporter } from './plainReporter.js';
import { startImport } from './runImport.js';
import { checkSyncOptions, isSyncCommand, SYNC_USAGE } from './syncCommand.js';
import { startSyncLoop } from './syncLoop.js';
import type { ImportOptions } from './importOptions.js';
import { exitCodeOf, humanSummary, jsonSummary } from './summary.js';
import type { ProgressReporter } from './progress.js';

async function main(): Promise<number> {
  tuneHeapForStreaming();
  let request: CliRequest;
  const argv = process.argv.slice(2);
  // `sync <source> …`: the same import, which must be incremental (see syncCommand.ts)
  const sync = isSyncCommand(argv);
  try {
    if (sync && (argv.includes('--help') || argv.includes('-h'))) process.stdout.write(SYNC_USAGE);
    request = await parseCli(sync ? argv.slice(1) : argv);
    if (sync) checkSyncOptions(request.options);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.fatal;
    // a bad flag, variable or mapping, or an unreadable file: one line, exit 2
    if (!(error instanceof ImportError) && codeOf(error) !== 'CIO_CONFIG') throw error;
    process.stderr.write(`cioscale-import: ${(error as Error).message}\nRun with --help for the list of flags.\n`);
    return EXIT_CODES.fatal;
  }
  const { options } = request;
  // with --json, stdout carries only the JSON line; everything a person reads goes to stderr
  const human = request.json ? process.stderr : process.stdout;
  const write = (text: string): void => void human.write(text);
  const reporter = await chooseReporter(request, human, write);

  if (options.every !== undefined) return syncEvery({ ...options, every: options.every }, request, human);
  const run = startImport(options, reporter);
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    // a second Ctrl-C means "now": the last checkpoint on disk is still valid
    if (signals > 1) process.exit(EXIT_CODES.interrupted);
    run.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const summary = await run.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  reporter.stop();
  // a fatal reason goes to stderr whatever the mode, so scripts see it
  (summary.status === 'fatal' ? process.stderr : human).write(humanSummary(summary, options.file, userDirectory(process.env)));
  if (request.json) process.stdout.write(`${jsonSummary(summary)}\n`);
  return exitCodeOf(summary);
}

/** `--every`: the same import on an interval until Ctrl-C; each run prints its summary (plain progress lines). */
async function syncEvery(options: ImportOptions & { readonly every: number }, request: CliRequest, human: NodeJS.WriteStream): Promise<number> {
  const write = (text: string): void => void human.write(text);
  const loop = startSyncLoop(options, {
    start: (runOptions) => startImport(runOptions, request.progress === 'none' ? { notice: (message) => write(`${message}\n`), update: () => undefined, stop: () => undefined } : plainReporter(write)),
    finished: (summary, runNumber) => {
      (summary.status === 'fatal' ? process.stderr : human).write(`run ${runNumber}: ${humanSummary(summary, options.file, userDirectory(process.env))}`);
      if (request.json) process.stdout.write(`${jsonSummary(summary)}\n`);
    },
    waiting: (nextAt) => write(`--every: next run at ${nextAt.toISOString()} (Ctrl-C stops)\n`),
  });
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) process.exit(EXIT_CODES.interrupted);
    loop.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const last = await loop.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return last === undefined ? EXIT_CODES.interrupted : exitCodeOf(last);
}

async function chooseReporter(request: CliRequest, stream: NodeJS.WriteStream, write: (text: string) => void): Promise<ProgressReporter> {
  if (request.progress === 'none') return { notice: (message) => write(`${message}\n`), update: () => undefined, stop: () => undefined };
  if (request.progress === 'auto' && stream.isTTY) {
    const { inkReporter } = await import('./inkReporter.js');
    return inkReporter(stream);
  }
  return plainReporter(write);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cioscale-import: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_CODES.fatal;
  },
);
