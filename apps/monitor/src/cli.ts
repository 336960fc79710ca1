#!/usr/bin/env node
/**
 * `pnpm monitor` (or `node --conditions=source --import tsx apps/monitor/src/cli.ts`): the live terminal
 * monitor. `--once` prints one reading and exits (0 when Redis answered, 1 when not); `--json` prints JSON.
 * Flags and keys: see apps/monitor/README.md.
 */
import { MonitorSource } from './model/monitorSource.js';
import { parseOptions, type MonitorOptions } from './options.js';
import { readOnce, screenText } from './once.js';
import { runTui } from './runTui.js';
import { streamJson } from './streamJson.js';

const options = loadOptions();
const source = new MonitorSource({ redis: options.redis, namespace: options.namespace, workspaces: options.workspaces, deadLetterSamples: options.deadLetterSamples, timeoutMs: Math.max(2_000, options.intervalMs) });

let code = 0;
if (options.once) {
  const view = await readOnce(source, options.intervalMs);
  process.stdout.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : `${screenText(view, { columns: process.stdout.columns || 100, selected: options.selected, budgetStep: options.budgetStep })}\n`);
  if (!view.connected) {
    sayUnreachable(view);
    code = 1;
  }
} else if (!(await reachableAtStart())) {
  code = 1;
} else if (options.json) {
  await streamJson(source, options.intervalMs, process.stdout);
} else {
  await runTui(source, options);
}
await source.close();
// BullMQ and ioredis may keep sockets half-open for a moment after close(); the work is done, leave now
process.exit(code);

/**
 * A monitor started against a Redis it cannot reach says so in one line and exits 1 instead of drawing an
 * empty screen: the usual cause is a wrong URL or password, which waiting will not fix. Once it has
 * connected, a lost Redis is shown on screen and the view recovers by itself.
 */
async function reachableAtStart(): Promise<boolean> {
  const first = await source.read();
  if (!first.connected) sayUnreachable(first);
  return first.connected;
}

function sayUnreachable(view: { readonly redis: string; readonly error?: string | undefined }): void {
  process.stderr.write(`cioscale monitor: cannot reach Redis at ${view.redis}: ${view.error ?? 'no answer'}\n`);
}

function loadOptions(): MonitorOptions {
  try {
    return parseOptions(process.argv);
  } catch (error) {
    process.stderr.write(`cioscale monitor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
