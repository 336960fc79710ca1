/**
 * Parses Track API v1 requests into {@link Command}s. Each parser takes the path parameters and the
 * parsed JSON body and returns a command or the {@link Problem} that makes Customer.io answer 400.
 */
import type { AddDeviceCommand, AnonymousEventCommand, Command, EventType, IdentifyCommand, MergeCommand, PersonEventCommand, PersonRef } from '../commands.js';
import type { Problem } from './common.js';
import {
  checkAttributes,
  checkEventData,
  eventName,
  identifierText,
  isProblem,
  isRecord,
  optionalBoolean,
  optionalEventId,
  optionalTimestamp,
  personFromIdentifiers,
  personFromPath,
  problem,
} from './common.js';
import { v1RelationshipChange } from './relationships.js';

/** Keys of a v1 identify body that steer the call rather than being attributes. */
const IDENTIFY_CONTROL_KEYS = new Set(['_timestamp', '_update', 'cio_relationships']);

/**
 * `PUT /api/v1/customers/{identifier}`: flat attributes plus `_timestamp`, `_update` and
 * `cio_relationships`. The identify schema types `created_at` and `_timestamp` as integers and
 * `_update` as a boolean; other values are refused with 400 rather than stored as sent. (Its
 * `additionalProperties` say string, integer or boolean, but the v2 identify that updates the same
 * profile takes any JSON value, so other attribute types are accepted.)
 */
export function parseV1Identify(identifier: string, body: unknown): IdentifyCommand | Problem {
  const person = personFromPath(identifier);
  if (isProblem(person)) return person;
  if (!isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object of attributes');
  const timestamp = optionalTimestamp(body['_timestamp'], '_timestamp');
  if (isProblem(timestamp)) return timestamp;
  const createdAt = body['created_at'];
  // null removes the attribute, like any other.
  if (createdAt !== null && createdAt !== undefined && !Number.isInteger(createdAt)) {
    return problem('invalid', 'created_at', `created_at must be an integer unix timestamp in seconds; received ${JSON.stringify(createdAt)}`);
  }
  const update = optionalBoolean(body['_update'], '_update');
  if (isProblem(update)) return update;
  const rawRelationships = body['cio_relationships'];
  const relationships = rawRelationships === undefined ? undefined : v1RelationshipChange(rawRelationships);
  if (isProblem(relationships)) return relationships;
  const attributes: Record<string, unknown> = {};
  for (const name in body) if (!IDENTIFY_CONTROL_KEYS.has(name)) attributes[name] = body[name];
  const checked = checkAttributes(attributes, 'attributes');
  if (isProblem(checked)) return checked;
  return { action: 'identify', person, attributes, timestamp, updateOnly: update === true, relationships };
}

/** `DELETE`, `POST …/suppress`, `POST …/unsuppress` on `/api/v1/customers/{identifier}`. */
export function parseV1PersonState(action: 'delete' | 'suppress' | 'unsuppress', identifier: string): Command | Problem {
  const person = personFromPath(identifier);
  return isProblem(person) ? person : { action, person };
}

interface EventFields {
  readonly eventType: EventType;
  readonly name: string;
  readonly id: string | undefined;
  readonly timestamp: number | undefined;
  readonly data: Record<string, unknown>;
}

function parseEventFields(body: unknown): EventFields | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object');
  const name = eventName(body['name']);
  if (isProblem(name)) return name;
  const type = body['type'] ?? 'event';
  if (type !== 'event' && type !== 'page' && type !== 'screen') {
    return problem('invalid', 'type', `type must be one of event, page, screen; received ${JSON.stringify(type)}`);
  }
  const id = optionalEventId(body['id']);
  if (isProblem(id)) return id;
  const timestamp = optionalTimestamp(body['timestamp'], 'timestamp');
  if (isProblem(timestamp)) return timestamp;
  const data = checkEventData(body['data'], 'data');
  if (isProblem(data)) return data;
  return { eventType: type, name, id, timestamp, data };
}

/** `POST /api/v1/customers/{identifier}/events`: `{name, id?, type?, timestamp?, data?}`. */
export function parseV1Event(identifier: string, body: unknown): PersonEventCommand | Problem {
  const person = personFromPath(identifier);
  if (isProblem(person)) return person;
  const fields = parseEventFields(body);
  if (isProblem(fields)) return fields;
  const { eventType, ...rest } = fields;
  return { action: eventType, person, ...rest };
}

/** `POST /api/v1/events`: an event with an optional `anonymous_id` instead of a person. */
export function parseV1AnonymousEvent(body: unknown): AnonymousEventCommand | Problem {
  const fields = parseEventFields(body);
  if (isProblem(fields)) return fields;
  const raw = (body as Record<string, unknown>)['anonymous_id'];
  let anonymousId: string | undefined;
  if (raw !== undefined && raw !== null && raw !== '') {
    // The schema types anonymous_id as a string; a number is refused rather than read as text.
    const text = identifierText(raw, 'anonymous_id', 'strings only');
    if (isProblem(text)) return text;
    anonymousId = text;
  }
  return { action: 'anonymous_event', anonymousId, ...fields };
}

/** `PUT /api/v1/customers/{identifier}/devices`: `{device: {id, platform, last_used?, attributes?}}`. */
export function parseV1AddDevice(identifier: string, body: unknown): AddDeviceCommand | Problem {
  const person = personFromPath(identifier);
  if (isProblem(person)) return person;
  if (!isRecord(body) || !isRecord(body['device'])) return problem('required', 'device', 'device is required');
  return parseDevice(person, body['device'], 'id', 'device');
}

/**
 * The device object shared by v1 (token in `id`) and v2 (token in `token`): a token, a platform
 * of `ios` or `android`, an optional `last_used` and string attributes.
 */
export function parseDevice(person: PersonRef, device: Record<string, unknown>, tokenKey: 'id' | 'token', field: string): AddDeviceCommand | Problem {
  const token = device[tokenKey];
  if (typeof token !== 'string' || token === '') return problem('required', `${field}.${tokenKey}`, `${field}.${tokenKey} is required`);
  const platform = device['platform'];
  if (platform !== 'ios' && platform !== 'android') {
    return problem('invalid', `${field}.platform`, `${field}.platform must be ios or android; received ${JSON.stringify(platform)}`);
  }
  const lastUsed = optionalTimestamp(device['last_used'], `${field}.last_used`);
  if (isProblem(lastUsed)) return lastUsed;
  const attributes = checkAttributes(device['attributes'], `${field}.attributes`);
  if (isProblem(attributes)) return attributes;
  // The device schema's attributes are `additionalProperties: {type: string}` (push_enabled is "true"/"false").
  for (const name in attributes) {
    if (typeof attributes[name] !== 'string') {
      return problem('invalid', `${field}.attributes.${name}`, `${field}.attributes.${name} must be a string; received ${JSON.stringify(attributes[name])}`);
    }
  }
  return { action: 'add_device', person, token, platform, lastUsed, attributes };
}

/** `DELETE /api/v1/customers/{identifier}/devices/{device_id}`. */
export function parseV1DeleteDevice(identifier: string, deviceId: string): Command | Problem {
  const person = personFromPath(identifier);
  if (isProblem(person)) return person;
  if (deviceId === '') return problem('required', 'device_id', 'device_id is required');
  return { action: 'delete_device', person, token: deviceId };
}

/** `POST /api/v1/merge_customers` and the v2 `merge` action: `{primary: {id|email|cio_id}, secondary: {…}}`. */
export function parseMerge(body: unknown): MergeCommand | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object');
  const primary = personFromIdentifiers(body['primary'], 'primary');
  if (isProblem(primary)) return primary;
  const secondary = personFromIdentifiers(body['secondary'], 'secondary');
  if (isProblem(secondary)) return secondary;
  if (primary.kind === secondary.kind && primary.value === secondary.value) {
    return problem('invalid', 'secondary', 'primary and secondary must name different people');
  }
  return { action: 'merge', primary, secondary };
}
