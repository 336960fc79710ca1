/**
 * Checks shared by v1 and v2 requests: identifiers, attribute maps, event names, timestamps.
 * Each returns the parsed value or a {@link Problem}; the messages follow the wording
 * Customer.io is observed to use (`value for attribute 'X' cannot be longer than 1000 bytes`).
 */
import type { AttributeMap, OperationProblem, PersonIdentifierKind, PersonRef } from '../commands.js';
import { TRACK_LIMITS, exceedsBytes } from '../limits.js';

/**
 * A complaint about one field. A class, so a parsed value can never be mistaken for a problem
 * (an attribute map may well have keys named `reason` and `message`).
 */
export class Problem implements OperationProblem {
  constructor(
    readonly reason: string,
    readonly field: string,
    readonly message: string,
  ) {}
}

/** A problem with the given reason, field and message. */
export function problem(reason: string, field: string, message: string): Problem {
  return new Problem(reason, field, message);
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An identifier value as a string, or a problem. Customer.io ids may be sent as JSON numbers;
 * they are compared as their decimal text.
 */
export function identifierText(value: unknown, field: string, numbers: 'numbers' | 'strings only' = 'numbers'): string | Problem {
  if (typeof value === 'number' && Number.isFinite(value) && numbers === 'numbers') value = String(value);
  if (typeof value !== 'string') return problem('invalid', field, `${field} must be a string`);
  if (value.trim() === '') return problem('required', field, `${field} cannot be blank`);
  if (exceedsBytes(value, TRACK_LIMITS.identifierBytes)) {
    return problem('too_long', field, `${field} cannot be longer than ${TRACK_LIMITS.identifierBytes} bytes`);
  }
  return value;
}

/**
 * Reads a v1 path identifier. Customer.io "determines the identifier type from the shape of the
 * value": `cio_…` is a cio_id, anything with `@` is an email, the rest is an id.
 */
export function personFromPath(raw: string, field = 'identifier'): PersonRef | Problem {
  const text = identifierText(raw, field);
  if (typeof text !== 'string') return text;
  if (text.startsWith('cio_')) return { kind: 'cio_id', value: text.slice(4) };
  if (text.includes('@')) return { kind: 'email', value: text };
  return { kind: 'id', value: text };
}

const PERSON_KINDS: readonly PersonIdentifierKind[] = ['id', 'email', 'phone', 'cio_id'];

/** Reads v2 `identifiers`: exactly one of `id`, `email`, `phone`, `cio_id`. */
export function personFromIdentifiers(value: unknown, field = 'identifiers'): PersonRef | Problem {
  if (!isRecord(value)) return problem('required', field, `${field} must be an object with one of id, email, phone, cio_id`);
  // A loop rather than filter(): this runs for every operation of every batch.
  let kind: PersonIdentifierKind | undefined;
  let count = 0;
  for (const candidate of PERSON_KINDS) {
    if (value[candidate] === undefined) continue;
    kind = candidate;
    count++;
  }
  if (kind === undefined || count !== 1) {
    return problem('invalid', field, `${field} must hold exactly one of id, email, phone, cio_id; received ${count}`);
  }
  const text = identifierText(value[kind], `${field}.${kind}`);
  return typeof text === 'string' ? { kind, value: text } : text;
}

/**
 * Checks a person's attribute map against the per-call limits: at most 300 attributes, names up to
 * 150 bytes, values up to 1000 bytes (strings by their own bytes, other values by their JSON text).
 */
export function checkAttributes(value: unknown, field: string): AttributeMap | Problem {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return problem('invalid', field, `${field} must be an object`);
  let count = 0;
  for (const name in value) {
    count++;
    if (exceedsBytes(name, TRACK_LIMITS.attributeNameBytes)) {
      return problem('too_long', `${field}.${name}`, `attribute name '${name}' cannot be longer than ${TRACK_LIMITS.attributeNameBytes} bytes`);
    }
    if (exceedsAttributeValue(value[name])) {
      return problem('too_long', `${field}.${name}`, `value for attribute '${name}' cannot be longer than ${TRACK_LIMITS.attributeValueBytes} bytes`);
    }
  }
  if (count > TRACK_LIMITS.attributesPerCall) {
    return problem('too_many', field, `${field} has ${count} attributes; at most ${TRACK_LIMITS.attributesPerCall} are allowed per call`);
  }
  return value;
}

function exceedsAttributeValue(value: unknown): boolean {
  if (typeof value === 'string') return exceedsBytes(value, TRACK_LIMITS.attributeValueBytes);
  if (typeof value !== 'object' || value === null) return false;
  return exceedsBytes(JSON.stringify(value), TRACK_LIMITS.attributeValueBytes);
}

/**
 * Checks the `relationship_attributes` of one relationship against the object and relationship
 * limits table: at most 300 attributes, names up to 150 bytes, values up to 1000 bytes, and all of
 * them together ("Total attribute size | 100 Kilobytes") at most 100 KB of JSON.
 */
export function checkRelationshipAttributes(value: unknown, field: string): AttributeMap | Problem {
  const attributes = checkAttributes(value, field);
  if (isProblem(attributes)) return attributes;
  if (exceedsBytes(JSON.stringify(attributes), TRACK_LIMITS.relationshipAttributesBytes)) {
    return problem('too_long', field, `${field} cannot be longer than ${TRACK_LIMITS.relationshipAttributesBytes} bytes in total`);
  }
  return attributes;
}

/** An optional boolean (`_update`, `unsubscribe`): true or false, or absent. The schemas say `type: boolean`. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined | Problem {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return problem('invalid', field, `${field} must be true or false; received ${JSON.stringify(value)}`);
  return value;
}

/** Checks event data: an object whose JSON text is at most 100,000 bytes. Its values have no per-value limit. */
export function checkEventData(value: unknown, field: string): AttributeMap | Problem {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return problem('invalid', field, `${field} must be an object`);
  if (exceedsBytes(JSON.stringify(value), TRACK_LIMITS.eventDataBytes)) {
    return problem('too_long', field, `event data cannot be longer than ${TRACK_LIMITS.eventDataBytes} bytes`);
  }
  return value;
}

/** Checks an event name: a non-blank string of at most 100 bytes. Returns it trimmed, as Customer.io stores it. */
export function eventName(value: unknown, field = 'name'): string | Problem {
  if (typeof value !== 'string' || value.trim() === '') return problem('required', field, 'event name is required');
  const name = value.trim();
  if (exceedsBytes(name, TRACK_LIMITS.eventNameBytes)) {
    return problem('too_long', field, `event name cannot be longer than ${TRACK_LIMITS.eventNameBytes} bytes`);
  }
  return name;
}

/** An optional unix-seconds timestamp: an integer, or absent. */
export function optionalTimestamp(value: unknown, field: string): number | undefined | Problem {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return problem('invalid', field, `${field} must be an integer unix timestamp in seconds`);
  }
  return value;
}

/** An optional event dedupe id: a non-empty string (Customer.io asks for a ULID), or absent. */
export function optionalEventId(value: unknown, field = 'id'): string | undefined | Problem {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') return problem('invalid', field, `${field} must be a non-empty string (a ULID)`);
  return value;
}

/** True when `value` is a problem rather than a parsed value. */
export function isProblem(value: unknown): value is Problem {
  return value instanceof Problem;
}
