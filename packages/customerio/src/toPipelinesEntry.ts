import type { Attributes, Envelope, Operation, PersonIdentifiers } from '@cioscale/core';

/**
 * One `/v1/batch` entry of the Data Pipelines API. Only the fields cioscale sends; see
 * docs/pipelines-api.md "Mapping" for the table this file implements.
 */
export interface PipelinesEntry {
  readonly type: 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';
  /** Who the call is about; absent only on an anonymous event's call, which names `anonymousId` instead. */
  readonly userId?: string;
  /** An anonymous event's `anonymous_id`: a later identify with the same `anonymous_id` attribute links the two. */
  readonly anonymousId?: string;
  /** The envelope's deterministic id: Customer.io deduplicates on it, so a replay is harmless. */
  readonly messageId: string;
  /** ISO-8601 with milliseconds; Pipelines does not take unix seconds. */
  readonly timestamp?: string;
  readonly traits?: Attributes;
  readonly event?: string;
  readonly name?: string;
  readonly properties?: Attributes;
  readonly previousId?: string;
  readonly groupId?: string;
  readonly objectTypeId?: string;
  readonly context?: { readonly device: { readonly token: string; readonly type?: string } };
}

/** An operation the Pipelines API cannot express: never sent, rejected locally with this reason. */
export interface Unmappable {
  readonly reason: 'pipelines_unsupported';
  readonly field: string;
  readonly message: string;
}

/** The semantic event names (Customer.io's "Customer.io events" for Pipelines sources). */
export const SEMANTIC_EVENTS = {
  delete: 'User Deleted',
  suppress: 'User Suppressed',
  unsuppress: 'User Unsuppressed',
  add_device: 'Device Created or Updated',
  delete_device: 'Device Deleted',
  delete_relationships: 'Relationship Deleted',
} as const;

/**
 * Maps one envelope to its Pipelines entry, or says why there is none.
 *
 * Why some operations are refused rather than approximated: one core operation must be one entry
 * (outcomes, dedupe by `messageId` and bisection are per envelope), and cioscale never sends
 * something other than what the data says. So an operation needing several calls (several
 * relationships), or naming a person in a way a `userId` cannot (a phone number), is rejected here.
 *
 * @example
 * toPipelinesEntry(createEnvelope(track('42', 'clicked'), { source: 1, sourceKey: 'r1' }));
 * // { type: 'track', userId: '42', event: 'clicked', messageId: '01…', properties: {} }
 */
export function toPipelinesEntry(envelope: Envelope): PipelinesEntry | Unmappable {
  const operation: Operation = envelope.operation;
  const messageId = envelope.id;
  if (operation.type === 'object') {
    const people = operation.cio_relationships ?? [];
    if (people.length !== 1 || people[0] === undefined) {
      return unmappable('cio_relationships', `an object identify becomes a Pipelines group call, which needs exactly one person; this one names ${people.length}`);
    }
    if (people[0].relationship_attributes !== undefined) return unmappable('cio_relationships[0].relationship_attributes', 'relationship attributes have no documented place in a Pipelines group call');
    const userId = userIdOf(people[0].identifiers, 'cio_relationships[0].identifiers');
    if (typeof userId !== 'string') return userId;
    const { object_type_id: objectTypeId, object_id: groupId } = operation.identifiers;
    return { type: 'group', userId, groupId, objectTypeId, messageId, traits: operation.attributes ?? {} };
  }
  if (operation.type === 'anonymous') {
    // every Pipelines call names a userId or an anonymousId; an event of no one has neither
    if (operation.anonymous_id === undefined) return unmappable('anonymous_id', 'a Pipelines call needs a userId or an anonymousId; this anonymous event has no anonymous_id');
    const { anonymous_id: anonymousId, action, name, timestamp, attributes } = operation;
    const properties = attributes ?? {};
    if (action === 'event') return { type: 'track', anonymousId, messageId, ...iso(timestamp), event: name, properties };
    return { type: action, anonymousId, messageId, ...iso(timestamp), name, properties };
  }
  if (operation.action === 'merge') {
    const userId = userIdOf(operation.primary, 'primary');
    if (typeof userId !== 'string') return userId;
    const previousId = userIdOf(operation.secondary, 'secondary');
    if (typeof previousId !== 'string') return previousId;
    return { type: 'alias', userId, previousId, messageId };
  }
  const userId = userIdOf(operation.identifiers, 'identifiers');
  if (typeof userId !== 'string') return userId;
  switch (operation.action) {
    case 'identify':
      if (operation.cio_relationships !== undefined && operation.cio_relationships.length > 0) {
        return unmappable('cio_relationships', 'a Pipelines identify carries no relationships; send them as add_relationships operations (one object each)');
      }
      // an identify call creates the person it names: no Pipelines call means "update only", so it is not approximated
      if (operation.attributes?.['_update'] === true) return unmappable('attributes._update', 'a Pipelines identify creates the person; it has no update-only form like the Track API\'s _update');
      return { type: 'identify', userId, messageId, ...iso(operation.timestamp), traits: traitsOf(operation.attributes) };
    case 'event':
      return { type: 'track', userId, messageId, ...iso(operation.timestamp), event: operation.name, properties: operation.attributes ?? {} };
    case 'page':
    case 'screen':
      return { type: operation.action, userId, messageId, ...iso(operation.timestamp), name: operation.name, properties: operation.attributes ?? {} };
    case 'delete':
    case 'suppress':
    case 'unsuppress':
      return { type: 'track', userId, messageId, event: SEMANTIC_EVENTS[operation.action] };
    case 'add_device': {
      const { token, platform, last_used: lastUsed, attributes } = operation.device;
      // last_used says when the device was last seen: the call's own time in Pipelines terms
      return { type: 'track', userId, messageId, ...iso(lastUsed), event: SEMANTIC_EVENTS.add_device, context: { device: { token, type: platform } }, properties: attributes ?? {} };
    }
    case 'delete_device':
      return { type: 'track', userId, messageId, event: SEMANTIC_EVENTS.delete_device, context: { device: { token: operation.device.token } } };
    case 'add_relationships':
    case 'delete_relationships': {
      const relationships = operation.cio_relationships;
      if (relationships.length !== 1 || relationships[0] === undefined) {
        return unmappable('cio_relationships', `a Pipelines ${operation.action === 'add_relationships' ? 'group call' : '"Relationship Deleted" event'} names one object; this operation names ${relationships.length}`);
      }
      const [relationship] = relationships;
      if (relationship.relationship_attributes !== undefined) return unmappable('cio_relationships[0].relationship_attributes', 'relationship attributes have no documented place in a Pipelines call');
      const { object_type_id: objectTypeId, object_id: objectId } = relationship.identifiers;
      if (operation.action === 'add_relationships') return { type: 'group', userId, messageId, groupId: objectId, objectTypeId, traits: {} };
      return { type: 'track', userId, messageId, event: SEMANTIC_EVENTS.delete_relationships, properties: { objectId, objectTypeId } };
    }
  }
}

/** An identify's attributes as traits; `_update: false` steers a Track call (the default) and is no trait. */
function traitsOf(attributes: Attributes | undefined): Attributes {
  if (attributes === undefined) return {};
  if (!('_update' in attributes)) return attributes;
  const { _update: _steering, ...traits } = attributes;
  return traits;
}

/** True for an operation {@link toPipelinesEntry} refused. */
export function isUnmappable(value: PipelinesEntry | Unmappable): value is Unmappable {
  return 'reason' in value;
}

/**
 * A person's `userId`. An id is sent as its text; an email and a `cio_id` (`cio_<id>`) are sent the
 * way Customer.io reads a v1 path identifier — an assumption docs/pipelines-api.md lists as unverified.
 * A phone number has no such form.
 */
function userIdOf(identifiers: PersonIdentifiers, field: string): string | Unmappable {
  if ('id' in identifiers) return String(identifiers.id);
  if ('email' in identifiers) return identifiers.email;
  if ('cio_id' in identifiers) return `cio_${identifiers.cio_id}`;
  return unmappable(`${field}.phone`, 'a Pipelines userId cannot name a person by phone number; identify them by id or email');
}

/** `{ timestamp }` as ISO-8601 from unix seconds, or nothing when absent (Customer.io then uses the time received). */
function iso(seconds: number | undefined): { timestamp?: string } {
  return seconds === undefined ? {} : { timestamp: new Date(seconds * 1000).toISOString() };
}

function unmappable(field: string, message: string): Unmappable {
  return { reason: 'pipelines_unsupported', field, message: `${message} (not sent: no Data Pipelines equivalent)` };
}
