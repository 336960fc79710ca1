import type { Attributes, Operation, PersonIdentifiers } from './operations.js';
import type { Rejection } from './outcome.js';
import { CUSTOMERIO_LIMITS as LIMITS, utf8Bytes } from './limits.js';

/**
 * Checks an operation against Customer.io's documented limits before it is sent.
 *
 * Returns `undefined` when the operation is acceptable, otherwise the first rule it breaks as a
 * {@link Rejection} naming the rule (`reason`), the field, and the size that was found. Sizes are
 * UTF-8 bytes, as Customer.io counts them — `'é'.length` is 1 but it costs 2 bytes.
 *
 * @param operation - the operation to check
 * @param operationBytes - its serialized size when already known (saves a `JSON.stringify`)
 * @example
 * validateOperation(identify('42', { bio: 'x'.repeat(2000) }));
 * // { reason: 'attribute_value_too_long', field: 'attributes.bio', message: '…2000 bytes…', origin: 'local' }
 */
export function validateOperation(operation: Operation, operationBytes?: number): Rejection | undefined {
  const problem = checkShape(operation);
  if (problem) return problem;
  // an anonymous event is a v1 call of its own, not a v2 operation: v1's event-data limit (checked above) is its bound
  if (operation.type === 'anonymous') return undefined;
  const bytes = operationBytes ?? utf8Bytes(JSON.stringify(operation));
  if (bytes > LIMITS.operationBytes) {
    return reject('operation_too_large', 'operation', `operation is ${bytes} bytes; a v2 operation may be at most ${LIMITS.operationBytes} bytes`);
  }
  return undefined;
}

function checkShape(operation: Operation): Rejection | undefined {
  if (operation.type === 'anonymous') return checkAnonymousId(operation.anonymous_id) ?? checkEvent(operation.name, operation.attributes) ?? checkTimestamp(operation.timestamp);
  if (operation.type === 'object') {
    const { object_type_id, object_id } = operation.identifiers ?? {};
    if (!nonEmpty(object_type_id)) return reject('missing_identifier', 'identifiers.object_type_id', 'object operations need identifiers.object_type_id');
    if (!nonEmpty(object_id)) return reject('missing_identifier', 'identifiers.object_id', 'object operations need identifiers.object_id');
    return checkAttributes(operation.attributes, 'attributes');
  }
  if (operation.action === 'merge') {
    return checkIdentifiers(operation.primary, 'primary') ?? checkIdentifiers(operation.secondary, 'secondary');
  }
  const identifierProblem = checkIdentifiers(operation.identifiers, 'identifiers');
  if (identifierProblem) return identifierProblem;
  switch (operation.action) {
    case 'identify':
      return checkTimestamp(operation.timestamp) ?? checkUpdateOnly(operation.attributes) ?? checkAttributes(operation.attributes, 'attributes');
    case 'event':
    case 'page':
    case 'screen':
      return checkEvent(operation.name, operation.attributes) ?? checkTimestamp(operation.timestamp);
    case 'add_device':
    case 'delete_device':
      return checkDevice(operation);
    default:
      return undefined;
  }
}

function checkIdentifiers(identifiers: PersonIdentifiers | undefined, field: string): Rejection | undefined {
  // runs once per operation: find the single own key without building Object.entries' arrays
  let name: string | undefined;
  let count = 0;
  for (const key in identifiers) {
    if (!Object.hasOwn(identifiers, key)) continue;
    count += 1;
    name ??= key;
  }
  if (name === undefined || identifiers === undefined) return reject('missing_identifier', field, `${field} needs one of id, email, phone or cio_id`);
  if (count > 1) {
    return reject('multiple_identifiers', field, `${field} must name exactly one of id, email, phone or cio_id; received ${Object.keys(identifiers).join(', ')}`);
  }
  const value: unknown = identifiers[name as keyof PersonIdentifiers];
  if (name !== 'id' && name !== 'email' && name !== 'phone' && name !== 'cio_id') {
    return reject('unknown_identifier', `${field}.${name}`, `${field}.${name} is not an identifier; use id, email, phone or cio_id`);
  }
  const text = typeof value === 'number' ? String(value) : value;
  if (!nonEmpty(text)) return reject('missing_identifier', `${field}.${name}`, `${field}.${name} is empty`);
  const bytes = utf8Bytes(text);
  if (bytes > LIMITS.identifierBytes) {
    return reject('identifier_too_long', `${field}.${name}`, `${field}.${name} is ${bytes} bytes; Customer.io allows at most ${LIMITS.identifierBytes}`);
  }
  return undefined;
}

function checkAttributes(attributes: Attributes | undefined, field: string): Rejection | undefined {
  if (attributes === undefined) return undefined;
  let count = 0;
  for (const name in attributes) {
    count += 1;
    // A JS string of n UTF-16 units is at most 3n UTF-8 bytes: skip the exact count for short strings.
    if (name.length * 3 > LIMITS.attributeNameBytes && utf8Bytes(name) > LIMITS.attributeNameBytes) {
      return reject('attribute_name_too_long', `${field}.${name}`, `attribute name is ${utf8Bytes(name)} bytes; Customer.io allows at most ${LIMITS.attributeNameBytes}`);
    }
    const bytes = attributeValueBytes(attributes[name]);
    if (bytes > LIMITS.attributeValueBytes) {
      return reject('attribute_value_too_long', `${field}.${name}`, `value for attribute '${name}' is ${bytes} bytes; Customer.io allows at most ${LIMITS.attributeValueBytes}`);
    }
  }
  if (count > LIMITS.attributesPerCall) {
    return reject('too_many_attributes', field, `${count} attributes in one call; Customer.io allows at most ${LIMITS.attributesPerCall}`);
  }
  return undefined;
}

function attributeValueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 3 <= LIMITS.attributeValueBytes ? value.length : utf8Bytes(value);
  if (typeof value === 'object' && value !== null) return utf8Bytes(JSON.stringify(value));
  // a number prints in at most 24 characters, a boolean in 5: far under the limit, so skip String()'s allocation
  if (typeof value === 'number' || typeof value === 'boolean') return 0;
  return String(value).length;
}

function checkEvent(name: string | undefined, data: Attributes | undefined): Rejection | undefined {
  if (!nonEmpty(name)) return reject('event_name_missing', 'name', 'events need a non-empty name');
  const nameBytes = utf8Bytes(name);
  if (nameBytes > LIMITS.eventNameBytes) {
    return reject('event_name_too_long', 'name', `event name is ${nameBytes} bytes; Customer.io allows at most ${LIMITS.eventNameBytes}`);
  }
  if (data !== undefined) {
    const dataBytes = utf8Bytes(JSON.stringify(data));
    if (dataBytes > LIMITS.eventDataBytes) {
      return reject('event_data_too_large', 'attributes', `event data is ${dataBytes} bytes; Customer.io allows at most ${LIMITS.eventDataBytes}`);
    }
  }
  return undefined;
}

/** `anonymous_id` is optional, but when given it is the non-empty text a later identify's attribute will match. */
function checkAnonymousId(anonymousId: unknown): Rejection | undefined {
  if (anonymousId === undefined) return undefined;
  if (!nonEmpty(anonymousId)) return reject('invalid_anonymous_id', 'anonymous_id', `anonymous_id must be a non-empty string when given; received ${JSON.stringify(anonymousId)}`);
  return undefined;
}

/** `_update` steers the identify (update only, never create): Customer.io's schema types it as a boolean. */
function checkUpdateOnly(attributes: Attributes | undefined): Rejection | undefined {
  if (attributes === undefined || !('_update' in attributes)) return undefined;
  const value = attributes['_update'];
  if (typeof value === 'boolean') return undefined;
  return reject('invalid_update', 'attributes._update', `_update must be true or false; received ${JSON.stringify(value)}`);
}

function checkTimestamp(timestamp: number | undefined): Rejection | undefined {
  if (timestamp === undefined) return undefined;
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    return reject('invalid_timestamp', 'timestamp', `timestamp must be integer unix seconds; received ${JSON.stringify(timestamp)}`);
  }
  // Milliseconds passed as seconds land ~50,000 years ahead; Customer.io would store nonsense.
  if (timestamp > 100_000_000_000) {
    return reject('invalid_timestamp', 'timestamp', `timestamp ${timestamp} looks like milliseconds; Customer.io wants unix seconds`);
  }
  return undefined;
}

function checkDevice(operation: Extract<Operation, { action: 'add_device' | 'delete_device' }>): Rejection | undefined {
  if (!nonEmpty(operation.device?.token)) return reject('invalid_device', 'device.token', 'device operations need device.token');
  if (operation.action === 'add_device' && operation.device.platform !== 'ios' && operation.device.platform !== 'android') {
    return reject('invalid_device', 'device.platform', `device.platform must be "ios" or "android"; received ${JSON.stringify(operation.device.platform)}`);
  }
  return undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function reject(reason: string, field: string, message: string): Rejection {
  return { reason, field, message, origin: 'local' };
}
