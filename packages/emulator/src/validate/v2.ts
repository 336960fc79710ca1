/**
 * Parses one Track API v2 operation (an `/api/v2/entity` body or one element of `/api/v2/batch`)
 * into a {@link Command}, following the `person_*`, `object_*` and `delivery_operations` schemas of
 * the official OpenAPI document.
 */
import type { Command, ObjectCommand, RelatedPerson } from '../commands.js';
import type { Problem } from './common.js';
import {
  checkAttributes,
  eventName,
  identifierText,
  isProblem,
  isRecord,
  optionalBoolean,
  optionalEventId,
  optionalTimestamp,
  personFromIdentifiers,
  problem,
} from './common.js';
import { objectRef, relatedAnonymous, relatedObjects, relatedPeople } from './relationships.js';
import { parseDevice, parseMerge } from './v1.js';

/** Parses one v2 operation, or says what is wrong with it. */
export function parseV2Operation(operation: unknown): Command | Problem {
  if (!isRecord(operation)) return problem('invalid', 'operation', 'operation must be a JSON object');
  const type = operation['type'];
  if (type === 'person') return parsePersonOperation(operation);
  if (type === 'object') return parseObjectOperation(operation);
  if (type === 'delivery') return parseDeliveryOperation(operation);
  return problem('invalid', 'type', `type must be one of person, object, delivery; received ${JSON.stringify(type)}`);
}

function parsePersonOperation(operation: Record<string, unknown>): Command | Problem {
  const action = operation['action'];
  // merge names two people and carries no `identifiers`.
  if (action === 'merge') return parseMerge(operation);
  const person = personFromIdentifiers(operation['identifiers']);
  if (isProblem(person)) return person;
  switch (action) {
    case 'identify': {
      const timestamp = optionalTimestamp(operation['timestamp'], 'timestamp');
      if (isProblem(timestamp)) return timestamp;
      const attributes = checkAttributes(operation['attributes'], 'attributes');
      if (isProblem(attributes)) return attributes;
      // The v2 identify schema's `cio_relationships` is an array of objects; they are added.
      const rawRelationships = operation['cio_relationships'];
      const objects = rawRelationships === undefined ? undefined : relatedObjects(rawRelationships);
      if (isProblem(objects)) return objects;
      const relationships = objects === undefined ? undefined : { adding: true, objects };
      // `_update` steers the call and is not an attribute; copy the map only when it is there.
      if (!('_update' in attributes)) return { action, person, attributes, timestamp, updateOnly: false, relationships };
      const { _update: update, ...rest } = attributes;
      // The schema: `_update: {type: boolean}`.
      const updateOnly = optionalBoolean(update, 'attributes._update');
      if (isProblem(updateOnly)) return updateOnly;
      return { action, person, attributes: rest, timestamp, updateOnly: updateOnly === true, relationships };
    }
    case 'event':
    case 'page':
    case 'screen': {
      const name = eventName(operation['name']);
      if (isProblem(name)) return name;
      const id = optionalEventId(operation['id']);
      if (isProblem(id)) return id;
      const timestamp = optionalTimestamp(operation['timestamp'], 'timestamp');
      if (isProblem(timestamp)) return timestamp;
      const data = operation['attributes'] ?? {};
      if (!isRecord(data)) return problem('invalid', 'attributes', 'attributes must be an object');
      return { action, person, name, id, timestamp, data };
    }
    case 'delete':
    case 'suppress':
    case 'unsuppress':
      return { action, person };
    case 'add_device': {
      const device = operation['device'];
      if (!isRecord(device)) return problem('required', 'device', 'device is required');
      return parseDevice(person, device, 'token', 'device');
    }
    case 'delete_device': {
      const device = operation['device'];
      const token = isRecord(device) ? device['token'] : undefined;
      if (typeof token !== 'string' || token === '') return problem('required', 'device.token', 'device.token is required');
      return { action, person, token };
    }
    case 'add_relationships':
    case 'delete_relationships': {
      const objects = relatedObjects(operation['cio_relationships']);
      return isProblem(objects) ? objects : { action, person, objects };
    }
    default:
      return problem('invalid', 'action', `unknown person action ${JSON.stringify(action)}`);
  }
}

const OBJECT_ACTIONS: Record<string, ObjectCommand['action']> = {
  identify: 'object_identify',
  identify_anonymous: 'object_identify_anonymous',
  delete: 'object_delete',
  add_relationships: 'object_add_relationships',
  delete_relationships: 'object_delete_relationships',
};

function parseObjectOperation(operation: Record<string, unknown>): ObjectCommand | Problem {
  const rawAction = operation['action'];
  const action = typeof rawAction === 'string' ? OBJECT_ACTIONS[rawAction] : undefined;
  if (action === undefined) return problem('invalid', 'action', `unknown object action ${JSON.stringify(rawAction)}`);
  const object = objectRef(operation['identifiers'], 'identifiers');
  if (isProblem(object)) return object;
  const attributes = checkAttributes(operation['attributes'], 'attributes');
  if (isProblem(attributes)) return attributes;
  const relationships = operation['cio_relationships'];
  let people: RelatedPerson[] = [];
  if (action === 'object_identify_anonymous') {
    // Relationships to anonymous people are checked and counted; the emulator keeps no anonymous profiles.
    const count = relatedAnonymous(relationships);
    if (isProblem(count)) return count;
  } else if (relationships !== undefined || action === 'object_add_relationships' || action === 'object_delete_relationships') {
    const related = relatedPeople(relationships);
    if (isProblem(related)) return related;
    people = related;
  }
  return { action, object, attributes, people };
}

const DELIVERY_METRICS = new Set(['opened', 'converted', 'delivered']);

function parseDeliveryOperation(operation: Record<string, unknown>): Command | Problem {
  if (operation['action'] !== 'event') return problem('invalid', 'action', 'a delivery operation must have action "event"');
  const identifiers = operation['identifiers'];
  const deliveryId = identifierText(isRecord(identifiers) ? identifiers['id'] : undefined, 'identifiers.id');
  if (isProblem(deliveryId)) return deliveryId;
  const name = operation['name'];
  if (typeof name !== 'string' || !DELIVERY_METRICS.has(name)) {
    return problem('invalid', 'name', `name must be one of opened, converted, delivered; received ${JSON.stringify(name)}`);
  }
  const attributes = operation['attributes'];
  if (!isRecord(attributes) || typeof attributes['device_token'] !== 'string') {
    return problem('required', 'attributes.device_token', 'attributes.device_token is required');
  }
  const timestamp = optionalTimestamp(operation['timestamp'], 'timestamp');
  if (isProblem(timestamp)) return timestamp;
  return { action: 'delivery_event', deliveryId, name, timestamp };
}
