#!/usr/bin/env node
/**
 * `cioscale-plan --daily-operations 5M [flags]` (and `pnpm run plan -- …`): prints the capacity plan, or
 * JSON with `--json`, and writes a kustomize overlay with `--write-overlay <dir>`. Exit 0, or 2 for a bad flag.
 */
import { codeOf } from '@cioscale/core';
import { CommanderError } from 'commander';
import { parseArgs, type PlanRequest } from './args.js';
import { writeOverlay } from './overlay.js';
import { planCapacity } from './plan.js';
import { formatPlan, planJson } from './report.js';

function main(): number {
  let request: PlanRequest;
  try {
    // `pnpm run plan` runs scripts at the repository root and keeps the user's folder in INIT_CWD
    request = parseArgs(process.argv.slice(2), process.env['npm_lifecycle_event'] === 'plan' && process.env['INIT_CWD'] ? process.env['INIT_CWD'] : process.cwd());
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (codeOf(error) !== 'CIO_CONFIG') throw error;
    process.stderr.write(`cioscale-plan: ${(error as Error).message}\nRun with --help for the list of flags.\n`);
    return 2;
  }
  const plan = planCapacity(request.input);
  process.stdout.write(request.json ? `${planJson(plan)}\n` : formatPlan(plan));
  if (request.overlayDir !== undefined) {
    const written = writeOverlay(plan, request.overlayDir);
    (request.json ? process.stderr : process.stdout).write(`\nWrote ${written.files.join(', ')} to ${request.overlayDir} (over ${written.base}); see it with: kubectl kustomize ${request.overlayDir}\n`);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`cioscale-plan: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
