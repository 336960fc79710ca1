import { randomBytes } from 'node:crypto';
import { createTrackTransport, type Region, type TrackTransport } from '@cioscale/customerio';
import type { EmulatorHandle } from '@cioscale/emulator';

/** Where the import sends: a real workspace (or `CIO_TRACK_URL`), or an emulator started in-process. */
export type TargetOptions =
  | { readonly kind: 'customerio'; readonly siteId: string; readonly apiKey: string; readonly region: Region; readonly url?: string }
  | { readonly kind: 'embedded' };

/** An open target. */
export interface OpenTarget {
  readonly transport: TrackTransport;
  /** What the summary names: a URL without credentials, or `embedded-emulator`. */
  readonly name: string;
  /** The in-process emulator, when there is one. */
  readonly emulator?: EmulatorHandle;
  close(): Promise<void>;
}

/**
 * Opens the transport, first starting an embedded emulator when there are no credentials.
 *
 * The embedded emulator enforces the same budget as the import (`rate`, burst 100), keeps only
 * counters (a million people would not fit a demo's memory) and gets a random key: it exists so a first
 * run on a new machine works and sends nothing anywhere.
 */
export async function openTarget(target: TargetOptions, settings: { rate: number; concurrency: number; timeoutMs: number }): Promise<OpenTarget> {
  const connections = settings.concurrency;
  if (target.kind === 'customerio') {
    const transport = createTrackTransport({ siteId: target.siteId, apiKey: target.apiKey, region: target.region, timeoutMs: settings.timeoutMs, connections, ...(target.url !== undefined && { url: target.url }) });
    return { transport, name: transport.target, close: () => transport.close() };
  }
  // loaded only when it is used: a real import does not pay the emulator's modules in memory (~7 MB of RSS)
  const { startEmulator } = await import('@cioscale/emulator');
  const apiKey = randomBytes(12).toString('hex');
  const emulator = await startEmulator({ port: 0, workspaces: [`embedded:${apiKey}`], rate: settings.rate, burst: 100, ledger: 'counters' });
  const transport = createTrackTransport({ siteId: 'embedded', apiKey, url: emulator.url, timeoutMs: settings.timeoutMs, connections });
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
