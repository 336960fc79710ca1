/**
 * The emulator's internal form of one Track operation. v1 calls and v2 operations are both parsed
 * into a {@link Command}, so the ledger and the counters have one code path for both API versions.
 */

/** An attribute map as received (JSON values). */
export type AttributeMap = Record<string, unknown>;

/** The four ways of naming a person. v1 paths use `id`, `email` or `cio_<id>`; v2 adds `phone`. */
export type PersonIdentifierKind = 'id' | 'email' | 'phone' | 'cio_id';

/** A person as named by a request. */
export interface PersonRef {
  readonly kind: PersonIdentifierKind;
  readonly value: string;
}

/** An object (company, account…) as named by a request: `type_id:object_id`, or its `cio_object_id`. */
export interface ObjectRef {
  readonly key: string;
}

/** One side of a person–object relationship as a request names it, with the relationship's own attributes. */
export interface RelatedObject extends ObjectRef {
  /** `relationship_attributes`; empty when none were sent. */
  readonly attributes: AttributeMap;
}

/** A person named from an object's side of a relationship (object `cio_relationships`). */
export interface RelatedPerson {
  readonly person: PersonRef;
  readonly attributes: AttributeMap;
}

/** Relationships carried by an identify call: v1 `cio_relationships: {action, relationships}`, v2 `cio_relationships: […]` (adds). */
export interface RelationshipChange {
  readonly adding: boolean;
  readonly objects: readonly RelatedObject[];
}

/** Create or update a person. */
export interface IdentifyCommand {
  readonly action: 'identify';
  readonly person: PersonRef;
  readonly attributes: AttributeMap;
  /** Unix seconds that order this update (`_timestamp` in v1, `timestamp` in v2); absent = received time. */
  readonly timestamp: number | undefined;
  /** v1 `_update: true`: update an existing person, never create one. */
  readonly updateOnly: boolean;
  /** `cio_relationships` sent with the identify; undefined when none. */
  readonly relationships?: RelationshipChange | undefined;
}

/** The event types a person event may have. */
export type EventType = 'event' | 'page' | 'screen';

/** An event about a known person. */
export interface PersonEventCommand {
  readonly action: EventType;
  readonly person: PersonRef;
  readonly name: string;
  /** The ULID Customer.io deduplicates on. */
  readonly id: string | undefined;
  /** Unix seconds; absent = received time. */
  readonly timestamp: number | undefined;
  readonly data: AttributeMap;
}

/** A v1 `POST /api/v1/events` event about someone not identified yet. */
export interface AnonymousEventCommand {
  readonly action: 'anonymous_event';
  readonly anonymousId: string | undefined;
  readonly eventType: EventType;
  readonly name: string;
  readonly id: string | undefined;
  readonly timestamp: number | undefined;
  readonly data: AttributeMap;
}

/** Actions on a person that carry nothing else. */
export interface PersonStateCommand {
  readonly action: 'delete' | 'suppress' | 'unsuppress';
  readonly person: PersonRef;
}

/** Register (or update) a push device. v1 names the token `id`, v2 names it `token`. */
export interface AddDeviceCommand {
  readonly action: 'add_device';
  readonly person: PersonRef;
  readonly token: string;
  readonly platform: string;
  /** Unix seconds. */
  readonly lastUsed: number | undefined;
  readonly attributes: AttributeMap;
}

/** Remove a push device. */
export interface DeleteDeviceCommand {
  readonly action: 'delete_device';
  readonly person: PersonRef;
  readonly token: string;
}

/** Merge `secondary` into `primary`; the secondary is deleted. */
export interface MergeCommand {
  readonly action: 'merge';
  readonly primary: PersonRef;
  readonly secondary: PersonRef;
}

/** Relate a person to objects, or undo it. */
export interface PersonRelationshipsCommand {
  readonly action: 'add_relationships' | 'delete_relationships';
  readonly person: PersonRef;
  readonly objects: readonly RelatedObject[];
}

/** Every v2 object operation. Relationships to people are stored on the people (anonymous ones are counted only). */
export interface ObjectCommand {
  readonly action:
    | 'object_identify'
    | 'object_identify_anonymous'
    | 'object_delete'
    | 'object_add_relationships'
    | 'object_delete_relationships';
  readonly object: ObjectRef;
  readonly attributes: AttributeMap;
  /** People named in `cio_relationships` (identify, add/delete_relationships). */
  readonly people: readonly RelatedPerson[];
}

/**
 * A metric about a message Customer.io delivered: a v2 `delivery` operation (`delivery_event`),
 * `POST /api/v1/metrics` (`metric`) or `POST /api/v1/push/events` (`push_metric`).
 */
export interface DeliveryCommand {
  readonly action: 'delivery_event' | 'metric' | 'push_metric';
  readonly deliveryId: string;
  /** The metric: `opened`, `clicked`, `bounced`… */
  readonly name: string;
  /** Unix seconds; absent = received time. */
  readonly timestamp: number | undefined;
}

/** `POST /unsubscribe/{delivery_id}`: the recipient of a delivery unsubscribes (or resubscribes). */
export interface UnsubscribeCommand {
  readonly action: 'unsubscribe';
  readonly deliveryId: string;
  readonly unsubscribe: boolean;
}

/** `POST /api/v1/segments/{segment_id}/add_customers` · `/remove_customers`. */
export interface SegmentCommand {
  readonly action: 'segment_add' | 'segment_remove';
  readonly segmentId: number;
  readonly people: readonly PersonRef[];
}

/** `POST /api/v1/forms/{form_id}/submit`: identifies the respondent with the form fields as attributes. */
export interface FormSubmitCommand {
  readonly action: 'form_submit';
  readonly formId: string;
  readonly person: PersonRef;
  readonly attributes: AttributeMap;
}

/** One accepted Track operation in the emulator's internal form. */
export type Command =
  | IdentifyCommand
  | PersonEventCommand
  | AnonymousEventCommand
  | PersonStateCommand
  | AddDeviceCommand
  | DeleteDeviceCommand
  | MergeCommand
  | PersonRelationshipsCommand
  | ObjectCommand
  | DeliveryCommand
  | UnsubscribeCommand
  | SegmentCommand
  | FormSubmitCommand;

/** The `action` of a {@link Command}: the keys of the per-action operation counters. */
export type CommandAction = Command['action'];

/**
 * One complaint about one operation, in Customer.io's v2 error shape (`reason`, `field`, `message`).
 * Reasons used: `required`, `invalid`, `too_long`, `too_many`, `too_large`.
 */
export interface OperationProblem {
  readonly reason: string;
  readonly field: string;
  readonly message: string;
}
