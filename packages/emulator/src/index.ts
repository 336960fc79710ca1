/**
 * @cioscale/emulator: a local Customer.io Track API (v1 + v2) with workspaces, rate limits, fault
 * injection and a ledger. Start one with {@link startEmulator}; see the README for the CLI and admin API.
 */
export { startEmulator } from './emulator.js';
export type { EmulatorHandle, EmulatorStats, PipelinesStats } from './emulator.js';
export type { PipelinesOptions } from './pipelines/options.js';
export type { PipelinesCounters } from './pipelines/pipelinesState.js';
export { PIPELINES_LIMITS } from './pipelines/limits.js';
export type { EmulatorOptions, WorkspaceOptions } from './options.js';
export { DEFAULT_BURST, DEFAULT_RATE, DEFAULT_WORKSPACE } from './options.js';
export type { FaultOptions, FaultSettings } from './faults.js';
export type { ConfigUpdate, EmulatorConfig, ServerCounters } from './state.js';
export type { WorkspaceCounters, WorkspaceStats } from './workspace.js';
export type { DeliveryMetricView, DeliveryView, DeviceView, EventQuery, EventView, LedgerMode, LedgerSizes, PersonLookup, PersonView } from './ledger/types.js';
export type { RateLimitMode } from './emulatedRateLimit.js';
export type { CommandAction, EventType, OperationProblem, PersonIdentifierKind } from './commands.js';
export { DEFAULT_DEDUPE_WINDOW } from './ledger/countersLedger.js';
export { EmulatorOptionError } from './errors.js';
export { KILOBYTE, TRACK_LIMITS, utf8Bytes } from './limits.js';
