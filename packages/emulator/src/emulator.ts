/**
 * `startEmulator`: a local Customer.io Track API for tests, demos, benchmarks and rehearsals.
 */
import type { AddressInfo } from 'node:net';
import type { PersonIdentifierKind } from './commands.js';
import { createTrackServer } from './http/server.js';
import type { DeliveryView, EventQuery, EventView, PersonLookup } from './ledger/types.js';
import type { EmulatorOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { ConfigUpdate, EmulatorConfig } from './state.js';
import { EmulatorState } from './state.js';
import { emulatorStats, pipelinesStatsOf, resetEmulator, type EmulatorStats, type PipelinesStats } from './emulatorStats.js';
import { PipelinesState } from './pipelines/pipelinesState.js';
import { createPipelinesServer } from './pipelines/server.js';
import type { Server } from 'node:http';
import { EmulatorOptionError } from './errors.js';

export type { EmulatorStats, PipelinesStats } from './emulatorStats.js';

/** A running emulator. */
export interface EmulatorHandle {
  /**
   * The base URL, e.g. `http://127.0.0.1:4100`. Point customerio-node at `${url}/api/v1`; it
   * derives the v2 URL itself. The admin API is under `${url}/__emulator/`.
   */
  readonly url: string;
  /** The port listened on (the chosen one when `port` was 0). */
  readonly port: number;
  /** Counters, settings and ledger sizes of a workspace. @param siteId defaults to the first workspace */
  stats(siteId?: string): EmulatorStats;
  /** A person by an identifier read like a v1 path (`42`, `a@b.co`, `cio_…`), or of the kind `by`. */
  person(identifier: string, options?: { readonly workspace?: string; readonly by?: PersonIdentifierKind }): PersonLookup;
  /** Stored events, oldest first. */
  events(query?: EventQuery & { readonly workspace?: string }): EventView[];
  /** What metrics and unsubscribes were reported about a delivery; undefined when none were. */
  delivery(deliveryId: string, options?: { readonly workspace?: string }): DeliveryView | undefined;
  /** Changes faults, rate, burst or `Retry-After` at runtime; returns the settings now in force. */
  configure(update: ConfigUpdate): EmulatorConfig;
  /** The settings in force. */
  config(): EmulatorConfig;
  /** Forgets ledger and counters of one workspace, or of every workspace when none is named. */
  reset(siteId?: string): void;
  /**
   * The Data Pipelines base URL (`http://127.0.0.1:<port>`; calls go to `${pipelinesUrl}/v1/…`), when
   * the `pipelines` option asked for it.
   */
  readonly pipelinesUrl: string | undefined;
  /** What the Pipelines port counted for a workspace (silent drops, duplicates, strict requests…). @throws when Pipelines is not served */
  pipelinesStats(siteId?: string): PipelinesStats;
  /** Stops listening, drops open and hanging connections, cancels timers. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts an emulator and resolves once it listens.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ workspaces: ['site:key'], rate: 0 });
 * const cio = new TrackClient('site', 'key', { url: `${emulator.url}/api/v1`, retry: { maxRetries: 0 } });
 * await cio.identify('42', { plan: 'pro' });
 * emulator.person('42'); // { state: 'active', attributes: { plan: 'pro' }, … }
 * await emulator.close();
 * ```
 * @throws {EmulatorOptionError} when an option is invalid, naming it.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const resolved = resolveOptions(options);
  const state = new EmulatorState(resolved);
  const pipelines = resolved.pipelines === undefined ? undefined : new PipelinesState(state.workspaces, resolved.pipelines);
  // the Track port serves the admin API, which reports and resets the Pipelines side too
  const { server, timers } = createTrackServer(state, pipelines);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const url = `http://${connectableHost(address, family)}:${port}`;
  let pipelinesServer: Server | undefined;
  let pipelinesUrl: string | undefined;
  if (pipelines !== undefined && resolved.pipelines !== undefined) {
    const listening = createPipelinesServer(pipelines, state.faults, timers);
    pipelinesServer = listening;
    try {
      await listen(listening, resolved.pipelines.port, resolved.host);
    } catch (error) {
      server.close();
      throw error;
    }
    const bound = listening.address() as AddressInfo;
    pipelinesUrl = `http://${connectableHost(bound.address, bound.family)}:${bound.port}`;
  }
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    stats: (siteId) => emulatorStats(state, pipelines, siteId),
    person: (identifier, { workspace, by } = {}) => state.requireWorkspace(workspace).ledger.person(identifier, by),
    events: ({ workspace, ...query } = {}) => state.requireWorkspace(workspace).ledger.events(query),
    delivery: (deliveryId, { workspace } = {}) => state.requireWorkspace(workspace).ledger.delivery(deliveryId),
    configure: (update) => state.configure(update),
    config: () => state.config(),
    reset: (siteId) => resetEmulator(state, pipelines, siteId),
    pipelinesUrl,
    pipelinesStats: (siteId) => {
      const side = pipelinesStatsOf(state, pipelines, siteId);
      if (side === undefined) throw new EmulatorOptionError('pipelines', 'given to startEmulator to read Pipelines stats', undefined);
      return side;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        timers.cancelAll();
        let open = pipelinesServer === undefined ? 1 : 2;
        const closed = (): void => {
          if (--open === 0) resolve();
        };
        server.close(closed);
        // Keep-alive and hanging connections would otherwise hold close() open.
        server.closeAllConnections();
        pipelinesServer?.close(closed);
        pipelinesServer?.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A wildcard address cannot be connected to; the URL names loopback instead. */
function connectableHost(address: string, family: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return family === 'IPv6' ? `[${address}]` : address;
}
