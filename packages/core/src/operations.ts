/**
 * Track API v2 operations — the unit of work of cioscale.
 *
 * Every source (CSV row, queued job, library call) becomes one of these at the edge. The shapes follow
 * Customer.io's `POST /api/v2/batch` schema; see `docs/reference/customerio-api.md`.
 */

/** Attribute values Customer.io accepts; nested objects and arrays are stored as JSON. */
export type AttributeValue = string | number | boolean | null | readonly AttributeValue[] | { readonly [key: string]: AttributeValue };

/** A flat map of attribute name → value. */
export type Attributes = { readonly [name: string]: AttributeValue };

/** Exactly one way of naming a person. `cio_id` is Customer.io's own immutable id. */
export type PersonIdentifiers =
  | { readonly id: string | number }
  | { readonly email: string }
  | { readonly phone: string }
  | { readonly cio_id: string };

/** An object (company, account, …) is named by its type id and its own id. */
export interface ObjectIdentifiers {
  readonly object_type_id: string;
  readonly object_id: string;
}

/** A relationship between a person and an object. */
export interface Relationship {
  readonly identifiers: ObjectIdentifiers;
  readonly relationship_attributes?: Attributes;
}

/** Device platforms accepted by `add_device`. */
export type DevicePlatform = 'ios' | 'android';

/** Fields common to every person operation. */
interface PersonBase {
  readonly type: 'person';
  readonly identifiers: PersonIdentifiers;
}

/**
 * Create or update a person. `attributes._update: true` makes it update-only: Customer.io changes a person
 * who exists and creates no one (the v2 identify's own reserved attribute; v1 sends `_update` in the body).
 */
export interface IdentifyOperation extends PersonBase {
  readonly action: 'identify';
  readonly attributes?: Attributes;
  /** Unix seconds; orders rapid updates of the same person. */
  readonly timestamp?: number;
  readonly cio_relationships?: readonly Relationship[];
}

/** A tracked event, page view or mobile screen view. */
export interface EventOperation extends PersonBase {
  readonly action: 'event' | 'page' | 'screen';
  /** Event name (page URL for `page`, screen name for `screen`). */
  readonly name: string;
  /** ULID; Customer.io ignores an event whose id it has already received. */
  readonly id?: string;
  /** Unix seconds. Omitted means "when Customer.io received it". */
  readonly timestamp?: number;
  /** The event data (v1 calls it `data`). */
  readonly attributes?: Attributes;
}

/** Actions on a person that carry no payload. */
export interface PersonStateOperation extends PersonBase {
  readonly action: 'delete' | 'suppress' | 'unsuppress';
}

/** Add or remove relationships between a person and objects. */
export interface PersonRelationshipOperation extends PersonBase {
  readonly action: 'add_relationships' | 'delete_relationships';
  readonly cio_relationships: readonly Relationship[];
}

/** Register a push device for a person. v2 names the device `token` (v1 calls it `id`). */
export interface AddDeviceOperation extends PersonBase {
  readonly action: 'add_device';
  readonly device: {
    readonly token: string;
    readonly platform: DevicePlatform;
    /** Unix seconds. */
    readonly last_used?: number;
    readonly attributes?: Attributes;
  };
}

/** Remove a push device from a person. */
export interface DeleteDeviceOperation extends PersonBase {
  readonly action: 'delete_device';
  readonly device: { readonly token: string };
}

/** Merge `secondary` into `primary`; the secondary person is deleted. Carries no `identifiers`. */
export interface MergeOperation {
  readonly type: 'person';
  readonly action: 'merge';
  readonly primary: PersonIdentifiers;
  readonly secondary: PersonIdentifiers;
}

/** Create or update an object (a company, an account, …). */
export interface ObjectIdentifyOperation {
  readonly type: 'object';
  readonly action: 'identify';
  readonly identifiers: ObjectIdentifiers;
  readonly attributes?: Attributes;
  readonly cio_relationships?: readonly { readonly identifiers: PersonIdentifiers; readonly relationship_attributes?: Attributes }[];
}

/**
 * An event of someone not identified yet, linked later to the person whose `anonymous_id` attribute matches
 * (when the workspace merges anonymous events). Track v2 has no such operation — its person identifiers are
 * `id`, `email`, `phone` and `cio_id` only — so it is delivered as Track v1's `POST /api/v1/events`, one
 * request per event (docs/architecture.md, "Anonymous events").
 */
export interface AnonymousEventOperation {
  readonly type: 'anonymous';
  readonly action: 'event' | 'page' | 'screen';
  /** The visitor's id (a cookie, a device id…); without it the event is never attributed to a person. */
  readonly anonymous_id?: string;
  /** Event name (page URL for `page`, screen name for `screen`). */
  readonly name: string;
  /** ULID; Customer.io ignores an event whose id it has already received. */
  readonly id?: string;
  /** Unix seconds. Omitted means "when Customer.io received it". */
  readonly timestamp?: number;
  /** The event data (v1 calls it `data`). */
  readonly attributes?: Attributes;
}

/** Every person operation. */
export type PersonOperation =
  | IdentifyOperation
  | EventOperation
  | PersonStateOperation
  | PersonRelationshipOperation
  | AddDeviceOperation
  | DeleteDeviceOperation
  | MergeOperation;

/** One unit of work: a Track v2 batch operation, or an anonymous event (sent alone, through Track v1). */
export type Operation = PersonOperation | ObjectIdentifyOperation | AnonymousEventOperation;

/** Every `action` value of an {@link Operation}. */
export type OperationAction = Operation['action'];

/** True for the actions that carry an event `id` Customer.io deduplicates on (a person's or an anonymous one). */
export function isEventOperation(operation: Operation): operation is EventOperation | AnonymousEventOperation {
  return operation.type === 'anonymous' || (operation.type === 'person' && (operation.action === 'event' || operation.action === 'page' || operation.action === 'screen'));
}

/** True for an anonymous event, which no v2 batch can carry. */
export function isAnonymousEvent(operation: Operation): operation is AnonymousEventOperation {
  return operation.type === 'anonymous';
}

/**
 * The routing key of an operation: who it is about, as `kind:value` (`id:42`, `email:a@b.co`,
 * `object:company:acme`). Operations with the same key must be delivered in order.
 */
export function operationKey(operation: Operation): string {
  // an event without anonymous_id is about no one: nothing to keep it in order with but itself
  if (operation.type === 'anonymous') return operation.anonymous_id !== undefined ? `anonymous_id:${operation.anonymous_id}` : `anonymous_event:${operation.id ?? ''}`;
  if (operation.type === 'object') return `object:${operation.identifiers.object_type_id}:${operation.identifiers.object_id}`;
  if (operation.action === 'merge') return identifiersKey(operation.primary);
  return identifiersKey(operation.identifiers);
}

/** `kind:value` of person identifiers, e.g. `email:ada@example.com`. */
export function identifiersKey(identifiers: PersonIdentifiers): string {
  if ('id' in identifiers) return `id:${identifiers.id}`;
  if ('email' in identifiers) return `email:${identifiers.email}`;
  if ('phone' in identifiers) return `phone:${identifiers.phone}`;
  return `cio_id:${identifiers.cio_id}`;
}
