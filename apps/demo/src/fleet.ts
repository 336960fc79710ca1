import { join } from 'node:path';
import { identify, track } from '@cioscale/core';
import { createProducer } from '@cioscale/queue';
import { startScript, type LoggedChild } from '@cioscale/test-support';
import { entryPoints } from './entryPoints.js';

/** Where the demo's fleet runs and what it sends. */
export interface FleetSettings {
  /** Working directory of the children: inside the workspace, where `tsx` resolves. */
  readonly cwd: string;
  readonly logDir: string;
  /** Environment shared by the workers and the load generator (Redis, namespace, Track API). */
  readonly env: NodeJS.ProcessEnv;
}

/** Starts one worker (`@cioscale/worker`'s main), logging to `worker-<n>.log`. */
export function startWorker(settings: FleetSettings, index: number): LoggedChild {
  return startScript(`worker ${index}`, entryPoints.worker, [], { env: settings.env, cwd: settings.cwd, logFile: join(settings.logDir, `worker-${index}.log`) });
}

/**
 * Runs the load generator in waves — `onSeconds` at `rate` ops/s, then `offSeconds` of quiet — until
 * stopped, so the queue visibly fills past what the budget can drain and then empties again with an ETA.
 */
export function startLoadWaves(settings: FleetSettings, wave: { readonly rate: number; readonly onSeconds: number; readonly offSeconds: number }): { readonly current: () => LoggedChild | undefined; stop(): Promise<void> } {
  let current: LoggedChild | undefined;
  let stopped = false;
  let pause: NodeJS.Timeout | undefined;
  const next = (): void => {
    if (stopped) return;
    current = startScript('loadgen', entryPoints.loadgen, ['--rate', String(wave.rate), '--duration', String(wave.onSeconds)], {
      env: settings.env,
      cwd: settings.cwd,
      logFile: join(settings.logDir, 'loadgen.log'),
    });
    void current.exited.then(() => {
      if (!stopped) pause = setTimeout(next, wave.offSeconds * 1000);
    });
  };
  next();
  return {
    current: () => current,
    async stop() {
      stopped = true;
      clearTimeout(pause);
      await current?.stop();
    },
  };
}

/**
 * Enqueues a few operations Customer.io would refuse (an attribute value over 1000 bytes, an event name
 * over 100), so the dead-letter panel has something to show.
 */
export async function enqueueRejects(redis: string, namespace: string): Promise<void> {
  const producer = createProducer({ redis, namespace });
  try {
    await producer.enqueueMany([
      identify('demo-reject-1', { note: 'x'.repeat(1_200) }),
      identify('demo-reject-2', { bio: 'y'.repeat(1_500) }),
      track('demo-reject-3', 'e'.repeat(120)),
    ]);
  } finally {
    await producer.close();
  }
}
