/**
 * Track API v1 calls as the Track v2 operations the fleet delivers. v1 puts the person in the path
 * (`id`, an email, or `cio_<cio_id>`), calls event data `data` and a device token `id`; v2 names them
 * `identifiers`, `attributes` and `token`.
 */
import type { AnonymousEventOperation, Attributes, EventOperation, Operation, PersonIdentifiers } from '@cioscale/core';
import type { Problem } from './answers.js';
import { checkLimits, type CheckedOperation, isProblem, isRecord, kindOf, optionalRecord, optionalString, problem } from './shapes.js';

/**
 * Keys of a v1 identify body that steer the call rather than being attributes. `_update` is not one: the v2
 * identify takes it among its attributes (update only, never create), so it travels there.
 */
const IDENTIFY_CONTROL_KEYS = new Set(['_timestamp', 'cio_relationships']);

/** The person a v1 path names: `cio_…` is a cio_id, a value with `@` an email, anything else an id. */
export function personFromPath(identifier: string): PersonIdentifiers | Problem {
  if (identifier === '') return problem('missing_identifier', 'identifier', 'the customer identifier in the path is empty');
  if (identifier.startsWith('cio_')) return { cio_id: identifier.slice(4) };
  if (identifier.includes('@')) return { email: identifier };
  return { id: identifier };
}

/** `PUT /api/v1/customers/{identifier}`: flat attributes, plus `_timestamp`. */
export function v1Identify(identifiers: PersonIdentifiers, body: unknown): CheckedOperation | Problem {
  const record = body ?? {};
  if (!isRecord(record)) return problem('invalid', 'body', `request body must be a JSON object of attributes; received ${kindOf(record)}`);
  const update = record['_update'];
  if (update !== undefined && typeof update !== 'boolean') return problem('invalid_update', '_update', `_update must be true or false; received ${kindOf(update)}`);
  const attributes: Record<string, unknown> = {};
  for (const name in record) if (!IDENTIFY_CONTROL_KEYS.has(name)) attributes[name] = record[name];
  const timestamp = record['_timestamp'];
  if (timestamp !== undefined && typeof timestamp !== 'number') return problem('invalid_timestamp', '_timestamp', `_timestamp must be integer unix seconds; received ${kindOf(timestamp)}`);
  const relationships = record['cio_relationships'];
  if (relationships !== undefined && !Array.isArray(relationships)) return problem('invalid', 'cio_relationships', `cio_relationships must be an array; received ${kindOf(relationships)}`);
  const operation = {
    type: 'person',
    action: 'identify',
    identifiers,
    attributes: attributes as Attributes,
    ...(timestamp !== undefined && { timestamp }),
    ...(relationships !== undefined && { cio_relationships: relationships }),
  } as Operation;
  return checkLimits(operation);
}

/** The fields of a v1 event body (`{name, id?, type?, timestamp?, data?}`) shared by a person's and an anonymous event. */
type EventFields = Pick<EventOperation, 'action' | 'name' | 'id' | 'timestamp' | 'attributes'>;

function eventFields(body: unknown): EventFields | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', `request body must be a JSON object; received ${kindOf(body)}`);
  const type = body['type'] ?? 'event';
  if (type !== 'event' && type !== 'page' && type !== 'screen') return problem('invalid', 'type', `type must be one of event, page, screen; received ${kindOf(type)}`);
  const shape = optionalString(body['name'], 'name') ?? optionalString(body['id'], 'id') ?? optionalRecord(body['data'], 'data');
  if (shape) return shape;
  const timestamp = body['timestamp'];
  if (timestamp !== undefined && typeof timestamp !== 'number') return problem('invalid_timestamp', 'timestamp', `timestamp must be integer unix seconds; received ${kindOf(timestamp)}`);
  return {
    action: type,
    name: body['name'] as string,
    ...(body['id'] !== undefined && { id: body['id'] as string }),
    ...(timestamp !== undefined && { timestamp }),
    ...(body['data'] !== undefined && { attributes: body['data'] as Attributes }),
  };
}

/** `POST /api/v1/customers/{identifier}/events`: `{name, id?, type?, timestamp?, data?}`. */
export function v1Event(identifiers: PersonIdentifiers, body: unknown): CheckedOperation | Problem {
  const fields = eventFields(body);
  if (isProblem(fields)) return fields;
  const operation: EventOperation = { type: 'person', identifiers, ...fields };
  return checkLimits(operation);
}

/**
 * `POST /api/v1/events`: the same fields plus `anonymous_id`, core's anonymous event (delivered as this very
 * v1 call: Track v2 has no anonymous event). An empty or null `anonymous_id` is an event of no one, as
 * customerio-node sends it; any other non-string is refused (the schema types it as a string).
 */
export function v1AnonymousEvent(body: unknown): CheckedOperation | Problem {
  const fields = eventFields(body);
  if (isProblem(fields)) return fields;
  const raw = (body as Record<string, unknown>)['anonymous_id'];
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return problem('invalid', 'anonymous_id', `anonymous_id must be a string; received ${kindOf(raw)}`);
  const operation: AnonymousEventOperation = { type: 'anonymous', ...fields, ...(typeof raw === 'string' && raw !== '' && { anonymous_id: raw }) };
  return checkLimits(operation);
}

/** `DELETE /api/v1/customers/{identifier}`, `POST …/suppress`, `POST …/unsuppress`. */
export function v1PersonState(action: 'delete' | 'suppress' | 'unsuppress', identifiers: PersonIdentifiers): CheckedOperation | Problem {
  const operation: Operation = { type: 'person', action, identifiers };
  return checkLimits(operation);
}

/** `PUT /api/v1/customers/{identifier}/devices`: `{device: {id, platform, last_used?, attributes?}}`. */
export function v1AddDevice(identifiers: PersonIdentifiers, body: unknown): CheckedOperation | Problem {
  const device = isRecord(body) ? body['device'] : undefined;
  if (!isRecord(device)) return problem('required', 'device', 'device is required');
  const shape = optionalString(device['id'], 'device.id') ?? optionalRecord(device['attributes'], 'device.attributes');
  if (shape) return shape;
  if (device['last_used'] !== undefined && typeof device['last_used'] !== 'number') return problem('invalid', 'device.last_used', `device.last_used must be unix seconds; received ${kindOf(device['last_used'])}`);
  const operation = {
    type: 'person',
    action: 'add_device',
    identifiers,
    device: {
      token: device['id'],
      platform: device['platform'],
      ...(device['last_used'] !== undefined && { last_used: device['last_used'] }),
      ...(device['attributes'] !== undefined && { attributes: device['attributes'] }),
    },
  } as Operation;
  const checked = checkLimits(operation);
  // core names the v2 field (device.token); the caller sent v1's device.id
  return isProblem(checked) ? { ...checked, field: checked.field.replace('device.token', 'device.id'), message: checked.message.replace('device.token', 'device.id') } : checked;
}

/** `DELETE /api/v1/customers/{identifier}/devices/{device_id}`. */
export function v1DeleteDevice(identifiers: PersonIdentifiers, deviceId: string): CheckedOperation | Problem {
  if (deviceId === '') return problem('required', 'device_id', 'device_id is required');
  const operation: Operation = { type: 'person', action: 'delete_device', identifiers, device: { token: deviceId } };
  return checkLimits(operation);
}

/** `POST /api/v1/merge_customers` `{primary: {id|email|cio_id}, secondary: {…}}`. */
export function v1Merge(body: unknown): CheckedOperation | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', `request body must be a JSON object; received ${kindOf(body)}`);
  for (const field of ['primary', 'secondary'] as const) {
    if (!isRecord(body[field])) return problem('missing_identifier', field, `${field} must be an object with one of id, email or cio_id`);
  }
  const operation = { type: 'person', action: 'merge', primary: body['primary'], secondary: body['secondary'] } as Operation;
  return checkLimits(operation);
}
