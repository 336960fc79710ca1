/**
 * The command as `pnpm run plan` runs it: the root package.json's `plan` script, from the repository root, with
 * the arguments pnpm hands on (`pnpm run plan -- --flag` passes the `--` too). README.md's worked example is the
 * command's output, character for character.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { planCapacity } from '../src/plan.js';
import { formatPlan } from '../src/report.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['plan'] as string;
const [command, ...scriptArgs] = script.split(' ');
const scratch = mkdtempSync(join(tmpdir(), 'cio-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `pnpm run plan <args>` the way pnpm does: the script's command line with `args` after it. */
function runPlan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command as string, [...scriptArgs, ...args], { cwd: ROOT, env: { ...process.env, npm_lifecycle_event: 'plan', INIT_CWD: scratch } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const WORKED_EXAMPLE = ['--daily-operations', '5M', '--peak-factor', '8', '--outage-hours', '6', '--backfill-rows', '10M'];

describe.concurrent('pnpm run plan', () => {
  it('prints the worked example that README.md shows, after the `--` pnpm passes on', async () => {
    const { code, stdout, stderr } = await runPlan(['--', ...WORKED_EXAMPLE]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(formatPlan(planCapacity(parseArgs(WORKED_EXAMPLE).input)));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`pnpm run plan -- ${WORKED_EXAMPLE.join(' ')}`);
    expect(readme).toContain(`\`\`\`text\n${stdout}\`\`\``);
  });

  it('exits 2 with one line naming a bad flag, given without `--`', async () => {
    const { code, stdout, stderr } = await runPlan(['--daily-operations', '5M', '--budget', '-5']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('cioscale-plan: --budget must be a number > 0; received "-5"\nRun with --help for the list of flags.\n');
  });

  it('prints JSON only on stdout with --json, and writes the overlay into a folder relative to where it was run', async () => {
    const { code, stdout, stderr } = await runPlan(['--daily-operations', '5M', '--json', '--write-overlay', 'deploy/plan']);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { tier: { name: string }; fleet: { maxReplicas: number } };
    expect(plan.tier.name).toBe('queue-backed');
    expect(plan.fleet.maxReplicas).toBe(13);
    expect(stderr).toContain(`to ${join(scratch, 'deploy/plan')}`);
    expect(existsSync(join(scratch, 'deploy/plan/kustomization.yaml'))).toBe(true);
    expect(existsSync(join(scratch, 'deploy/plan/keda/kustomization.yaml'))).toBe(true);
  });
});
