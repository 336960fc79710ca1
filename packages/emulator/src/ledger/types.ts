/**
 * What a workspace's ledger records and how it is queried. Two implementations: the full ledger
 * ({@link FullLedger}) keeps people, events and suppression state; the counters ledger
 * ({@link CountersLedger}) keeps only a bounded set of event ids, for long soak runs.
 */
import type { Command, EventType, PersonIdentifierKind } from '../commands.js';

/** Which ledger a workspace keeps. */
export type LedgerMode = 'full' | 'counters';

/**
 * What applying one accepted operation did:
 * - `applied`: the ledger changed (or, in the counters ledger, would have);
 * - `duplicate`: an event whose `id` was already received; not stored again;
 * - `ignored`: accepted with 200 but without effect, as Customer.io does for a suppressed
 *   identifier, `_update` on an unknown person, an unknown `cio_id`, or a merge whose primary is missing.
 */
export type ApplyResult = 'applied' | 'duplicate' | 'ignored';

/** One stored event as the admin API shows it. */
export interface EventView {
  /** The dedupe id sent with the event, if any. */
  readonly id: string | undefined;
  readonly name: string;
  readonly type: EventType;
  /** Unix seconds: the event's own `timestamp`, or when it was received. */
  readonly timestamp: number;
  /** Unix milliseconds when the emulator received it. */
  readonly receivedAt: number;
  /** The event data (v1 `data`, v2 `attributes`). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The person's `cio_id`; absent for anonymous events. */
  readonly cioId?: string;
  /** The `anonymous_id` of an anonymous event. */
  readonly anonymousId?: string;
}

/** One push device of a person. */
export interface DeviceView {
  readonly token: string;
  readonly platform: string;
  /** Unix seconds. */
  readonly lastUsed: number | undefined;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A person as the admin API shows it. */
export interface PersonView {
  readonly state: 'active';
  /** The emulator's stand-in for Customer.io's canonical id (reference it as `cio_<cioId>`). */
  readonly cioId: string;
  readonly identifiers: Readonly<Partial<Record<Exclude<PersonIdentifierKind, 'cio_id'>, string>>>;
  /** Current attributes after last-writer-wins by timestamp, then arrival order. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly devices: readonly DeviceView[];
  /** Related objects as `object_type_id:object_id` (or `cio:<cio_object_id>`). */
  readonly relationships: readonly string[];
  /** The `relationship_attributes` of each related object (an empty object when none were sent). */
  readonly relationshipAttributes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Ids of the manual segments the person was added to, ascending. */
  readonly segments: readonly number[];
  /** Number of events stored for this person. */
  readonly eventCount: number;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Unix milliseconds of the last change. */
  readonly updatedAt: number;
}

/**
 * The answer to a person lookup: the person, or why there is none. `untracked` means the
 * workspace keeps the counters ledger, which stores no people.
 */
export type PersonLookup = PersonView | { readonly state: 'deleted' | 'suppressed' | 'unknown' | 'untracked' };

/** One metric reported about a delivery, as the admin API shows it. */
export interface DeliveryMetricView {
  /** `opened`, `clicked`, `bounced`… */
  readonly metric: string;
  /** Where it came from: `POST /api/v1/metrics`, `POST /api/v1/push/events` or a v2 `delivery` operation. */
  readonly source: 'metrics' | 'push_events' | 'v2';
  /** Unix seconds: the metric's own `timestamp`, or when it was received. */
  readonly timestamp: number;
}

/** What the emulator was told about one delivery (`delivery_id`). */
export interface DeliveryView {
  readonly deliveryId: string;
  readonly metrics: readonly DeliveryMetricView[];
  /** The last `POST /unsubscribe/{delivery_id}` said: true (unsubscribed), false (resubscribed); absent when never called. */
  readonly unsubscribed?: boolean;
}

/** Which events to list. With neither `person` nor `anonymousId`, every stored event. */
export interface EventQuery {
  /** A person identifier, read like a v1 path (`42`, `a@b.co`, `cio_…`) unless `by` says its kind. */
  readonly person?: string;
  /** The identifier kind of `person`; inferred from its shape when absent. */
  readonly by?: PersonIdentifierKind;
  /** Only anonymous events with this `anonymous_id`. */
  readonly anonymousId?: string;
  /** Only events of this name. */
  readonly name?: string;
  /** At most this many events, oldest first. @defaultValue 1000 */
  readonly limit?: number;
}

/** How many things a ledger holds. */
export interface LedgerSizes {
  readonly people: number;
  readonly events: number;
  readonly anonymousEvents: number;
  readonly objects: number;
  /** Suppressed identifiers. */
  readonly suppressed: number;
  /** Deliveries that metrics or unsubscribes were reported about. */
  readonly deliveries: number;
  /** Event ids remembered for dedupe. */
  readonly eventIds: number;
}

/** The record of one workspace. */
export interface Ledger {
  readonly mode: LedgerMode;
  /** Applies one accepted operation received at `receivedAtMs` (unix milliseconds). */
  apply(command: Command, receivedAtMs: number): ApplyResult;
  /** Looks a person up by an identifier read like a v1 path, or of the kind `by`. */
  person(identifier: string, by?: PersonIdentifierKind): PersonLookup;
  /** Lists stored events. */
  events(query: EventQuery): EventView[];
  /** What was reported about a delivery; undefined when nothing was (or the ledger keeps no deliveries). */
  delivery(deliveryId: string): DeliveryView | undefined;
  sizes(): LedgerSizes;
  /** Forgets everything. */
  clear(): void;
}
