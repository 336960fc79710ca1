import { randomBytes } from 'node:crypto';
import { createTransport, type CustomerioApi, type Sink, type SinkConfig } from '@cioscale/customerio';
import type { EmulatorHandle } from '@cioscale/emulator';

/**
 * Where the import sends: a real workspace or Pipelines source (or an emulator named by `CIO_TRACK_URL` /
 * `CIO_PIPELINES_URL`), or an emulator started in-process, speaking the API `--api` chose.
 */
export type TargetOptions =
  | { readonly kind: 'customerio'; readonly sink: SinkConfig }
  | { readonly kind: 'embedded'; readonly api: CustomerioApi };

/** An open target. */
export interface OpenTarget {
  readonly transport: Sink;
  /** What the summary names: a URL without credentials, or `embedded-emulator`. */
  readonly name: string;
  /** The in-process emulator, when there is one. */
  readonly emulator?: EmulatorHandle;
  close(): Promise<void>;
}

/**
 * Opens the transport (through `@cioscale/customerio`'s `createTransport`, which decides Track or
 * Pipelines), first starting an embedded emulator when there are no credentials.
 *
 * The embedded emulator enforces the same budget as the import (`rate`, burst 100), keeps only
 * counters (a million people would not fit a demo's memory) and gets a random key: it exists so a first
 * run on a new machine works and sends nothing anywhere. With `--api pipelines` it serves its Pipelines
 * port too, and the import goes there.
 */
export async function openTarget(target: TargetOptions, settings: { rate: number; concurrency: number; timeoutMs: number }): Promise<OpenTarget> {
  const connections = settings.concurrency;
  if (target.kind === 'customerio') {
    const transport = createTransport({ ...target.sink, timeoutMs: settings.timeoutMs, connections });
    return { transport, name: transport.target, close: () => transport.close() };
  }
  // loaded only when it is used: a real import does not pay the emulator's modules in memory (~7 MB of RSS)
  const { startEmulator } = await import('@cioscale/emulator');
  const apiKey = randomBytes(12).toString('hex');
  const pipelines = target.api === 'pipelines' ? { pipelines: { rate: settings.rate, burst: 100, rateLimitMode: 'hard' as const } } : {};
  const emulator = await startEmulator({ port: 0, workspaces: [`embedded:${apiKey}`], rate: settings.rate, burst: 100, ledger: 'counters', ...pipelines });
  // the emulator takes a workspace's API key as its write key too
  const sink: SinkConfig =
    target.api === 'pipelines' ? { api: 'pipelines', writeKey: apiKey, url: emulator.pipelinesUrl as string } : { api: 'track', siteId: 'embedded', apiKey, url: emulator.url };
  const transport = createTransport({ ...sink, timeoutMs: settings.timeoutMs, connections });
  return {
    transport,
    name: 'embedded-emulator',
    emulator,
    close: async () => {
      await transport.close();
      await emulator.close();
    },
  };
}
