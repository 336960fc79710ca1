/**
 * `startEmulator`: a local Customer.io Track API for tests, demos, benchmarks and rehearsals.
 */
import type { AddressInfo } from 'node:net';
import type { PersonIdentifierKind } from './commands.js';
import { createTrackServer } from './http/server.js';
import type { DeliveryView, EventQuery, EventView, PersonLookup } from './ledger/types.js';
import type { EmulatorOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { ConfigUpdate, EmulatorConfig, ServerCounters } from './state.js';
import { EmulatorState } from './state.js';
import type { WorkspaceStats } from './workspace.js';

/** A workspace's stats plus the counters of requests that reached no workspace. */
export interface EmulatorStats extends WorkspaceStats {
  readonly server: ServerCounters;
}

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
  const { server, timers } = createTrackServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const url = `http://${connectableHost(address, family)}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    stats: (siteId) => ({ ...state.requireWorkspace(siteId).stats(), server: { ...state.server } }),
    person: (identifier, { workspace, by } = {}) => state.requireWorkspace(workspace).ledger.person(identifier, by),
    events: ({ workspace, ...query } = {}) => state.requireWorkspace(workspace).ledger.events(query),
    delivery: (deliveryId, { workspace } = {}) => state.requireWorkspace(workspace).ledger.delivery(deliveryId),
    configure: (update) => state.configure(update),
    config: () => state.config(),
    reset: (siteId) => state.reset(siteId),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        timers.cancelAll();
        server.close(() => resolve());
        // Keep-alive and hanging connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** A wildcard address cannot be connected to; the URL names loopback instead. */
function connectableHost(address: string, family: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return family === 'IPv6' ? `[${address}]` : address;
}
