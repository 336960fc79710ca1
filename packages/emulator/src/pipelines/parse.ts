/**
 * Parses one Data Pipelines call (a `/v1/<type>` body or one `/v1/batch` entry) into the emulator's
 * {@link Command}, so Pipelines data lands in the same ledger as Track data. The semantic events
 * (docs/pipelines-api.md "Semantic events") become the Track actions they stand for.
 */
import type { Command, PersonRef } from '../commands.js';
import type { Problem } from '../validate/common.js';
import { checkAttributes, checkEventData, eventName, identifierText, isProblem, isRecord, personFromPath, problem } from '../validate/common.js';

/** A parsed call: the command to apply and the `messageId` it is deduplicated by. */
export interface PipelinesCall {
  readonly command: Command;
  readonly messageId: string | undefined;
}

/** The call types of the Pipelines API (`/v1/batch` entries carry one in `type`). */
export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** ISO-8601 date-time with a zone, e.g. `2026-12-01T14:00:00.123Z`: what Pipelines timestamps are. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses one call of `type` (from the path, or the entry's own `type` in a batch). */
export function parsePipelinesCall(body: unknown, type: unknown): PipelinesCall | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', 'a call must be a JSON object');
  const messageId = body['messageId'];
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId === '')) return problem('invalid', 'messageId', 'messageId must be a non-empty string');
  const timestamp = isoTimestamp(body['timestamp']);
  if (isProblem(timestamp)) return timestamp;
  const command = commandOf(body, type, timestamp, messageId);
  return isProblem(command) ? command : { command, messageId };
}

function commandOf(body: Record<string, unknown>, type: unknown, timestamp: number | undefined, messageId: string | undefined): Command | Problem {
  if (type === 'alias') {
    const primary = userOf(body['userId'], 'userId');
    if (isProblem(primary)) return primary;
    const secondary = userOf(body['previousId'], 'previousId');
    return isProblem(secondary) ? secondary : { action: 'merge', primary, secondary };
  }
  // an event call with an anonymousId and no userId is an anonymous event, as Track v1's POST /api/v1/events
  if ((type === 'track' || type === 'page' || type === 'screen') && (body['userId'] === undefined || body['userId'] === null) && body['anonymousId'] !== undefined) {
    return anonymousEventCommand(body, type, timestamp, messageId);
  }
  const person = userOf(body['userId'], 'userId');
  if (isProblem(person)) return person;
  switch (type) {
    case 'identify': {
      const attributes = checkAttributes(body['traits'], 'traits');
      return isProblem(attributes) ? attributes : { action: 'identify', person, attributes, timestamp, updateOnly: false };
    }
    case 'track':
      return trackCommand(body, person, timestamp, messageId);
    case 'page':
    case 'screen': {
      const name = eventName(body['name'], 'name');
      if (isProblem(name)) return name;
      const data = checkEventData(body['properties'], 'properties');
      return isProblem(data) ? data : { action: type, person, name, id: messageId, timestamp, data };
    }
    case 'group': {
      const objectTypeId = identifierText(body['objectTypeId'] ?? '1', 'objectTypeId');
      if (isProblem(objectTypeId)) return objectTypeId;
      const objectId = identifierText(body['groupId'], 'groupId');
      if (isProblem(objectId)) return objectId;
      const attributes = checkAttributes(body['traits'], 'traits');
      if (isProblem(attributes)) return attributes;
      return { action: 'object_identify', object: { key: `${objectTypeId}:${objectId}` }, attributes, people: [{ person, attributes: {} }] };
    }
    default:
      return problem('invalid', 'type', `type must be one of ${CALL_TYPES.join(', ')}; received ${JSON.stringify(type)}`);
  }
}

/** A `track`/`page`/`screen` call naming an `anonymousId` instead of a `userId` (semantic events need a person). */
function anonymousEventCommand(body: Record<string, unknown>, type: 'track' | 'page' | 'screen', timestamp: number | undefined, messageId: string | undefined): Command | Problem {
  const anonymousId = identifierText(body['anonymousId'], 'anonymousId', 'strings only');
  if (isProblem(anonymousId)) return anonymousId;
  const name = type === 'track' ? eventName(body['event'], 'event') : eventName(body['name'], 'name');
  if (isProblem(name)) return name;
  const data = checkEventData(body['properties'], 'properties');
  if (isProblem(data)) return data;
  return { action: 'anonymous_event', anonymousId, eventType: type === 'track' ? 'event' : type, name, id: messageId, timestamp, data };
}

/** A track call, or the Track action a semantic event stands for. */
function trackCommand(body: Record<string, unknown>, person: PersonRef, timestamp: number | undefined, messageId: string | undefined): Command | Problem {
  const name = eventName(body['event'], 'event');
  if (isProblem(name)) return name;
  const properties = checkEventData(body['properties'], 'properties');
  if (isProblem(properties)) return properties;
  switch (name) {
    case 'User Deleted':
      return { action: 'delete', person };
    case 'User Suppressed':
      return { action: 'suppress', person };
    case 'User Unsuppressed':
      return { action: 'unsuppress', person };
    case 'Device Created or Updated':
    case 'Device Deleted': {
      const context = isRecord(body['context']) ? body['context'] : {};
      const device = isRecord(context['device']) ? context['device'] : {};
      const token = identifierText(device['token'], 'context.device.token', 'strings only');
      if (isProblem(token)) return token;
      if (name === 'Device Deleted') return { action: 'delete_device', person, token };
      const platform = device['type'];
      if (platform !== 'ios' && platform !== 'android') return problem('invalid', 'context.device.type', 'context.device.type must be ios or android');
      return { action: 'add_device', person, token, platform, lastUsed: timestamp, attributes: properties };
    }
    case 'Relationship Deleted': {
      const objectTypeId = identifierText(properties['objectTypeId'] ?? '1', 'properties.objectTypeId');
      if (isProblem(objectTypeId)) return objectTypeId;
      const objectId = identifierText(properties['objectId'], 'properties.objectId');
      if (isProblem(objectId)) return objectId;
      return { action: 'delete_relationships', person, objects: [{ key: `${objectTypeId}:${objectId}`, attributes: {} }] };
    }
    default:
      return { action: 'event', person, name, id: messageId, timestamp, data: properties };
  }
}

/**
 * A `userId` read the way Customer.io reads a v1 path identifier: `cio_…` is a cio_id, a value with
 * `@` an email, anything else an id (see docs/pipelines-api.md for why this is an assumption).
 */
function userOf(value: unknown, field: string): PersonRef | Problem {
  if (value === undefined || value === null) return problem('required', field, `${field} is required (an anonymousId stands in for it only on track, page and screen calls)`);
  return personFromPath(typeof value === 'number' ? String(value) : (value as string), field);
}

/** Unix seconds of an ISO-8601 timestamp; a number (unix seconds, Track's form) is refused. */
function isoTimestamp(value: unknown): number | undefined | Problem {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ISO_8601.test(value)) {
    return problem('invalid', 'timestamp', `timestamp must be an ISO-8601 date-time string such as 2026-12-01T14:00:00.000Z; received ${JSON.stringify(value)}`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return problem('invalid', 'timestamp', `timestamp is not a real date: ${JSON.stringify(value)}`);
  return Math.floor(ms / 1000);
}
