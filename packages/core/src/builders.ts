import type {
  AddDeviceOperation,
  AnonymousEventOperation,
  Attributes,
  DeleteDeviceOperation,
  DevicePlatform,
  EventOperation,
  IdentifyOperation,
  MergeOperation,
  ObjectIdentifyOperation,
  PersonIdentifiers,
  PersonStateOperation,
} from './operations.js';

/** A person: a bare string or number is an `id`; otherwise exactly one identifier. */
export type Who = string | number | PersonIdentifiers;

/** Identifiers for a {@link Who}. */
export function identifiersOf(who: Who): PersonIdentifiers {
  return typeof who === 'string' || typeof who === 'number' ? { id: who } : who;
}

/** Optional fields of an event builder. */
export interface EventOptions {
  /** Unix seconds. */
  readonly timestamp?: number;
  /** ULID for deduplication; the envelope supplies a deterministic one when omitted. */
  readonly id?: string;
}

/** Optional fields of {@link identify}. */
export interface IdentifyOptions {
  /** Unix seconds; orders rapid updates of the same person. */
  readonly timestamp?: number;
  /** Update the person only if they exist; never create one (Customer.io's `_update: true`). */
  readonly updateOnly?: boolean;
}

/**
 * Create or update a person.
 * @example identify('42', { email: 'ada@example.com', plan: 'pro' })
 * @example identify({ email: 'ada@example.com' }, { plan: 'pro' })
 * @example identify('42', { plan: 'pro' }, { updateOnly: true }) // changes person 42 only if they exist
 */
export function identify(who: Who, attributes?: Attributes, options: IdentifyOptions = {}): IdentifyOperation {
  const sent = options.updateOnly === true ? { ...attributes, _update: true } : attributes;
  return { type: 'person', action: 'identify', identifiers: identifiersOf(who), ...(sent && { attributes: sent }), ...(options.timestamp !== undefined && { timestamp: options.timestamp }) };
}

/**
 * Track an event for a person; `data` becomes the event's attributes.
 * @example track('42', 'purchased', { total: 99.5 })
 */
export function track(who: Who, name: string, data?: Attributes, options: EventOptions = {}): EventOperation {
  return eventOf('event', who, name, data, options);
}

/**
 * Track a page view; `url` is the event name.
 * @example page('42', 'https://example.com/pricing')
 */
export function page(who: Who, url: string, data?: Attributes, options: EventOptions = {}): EventOperation {
  return eventOf('page', who, url, data, options);
}

/**
 * Track a mobile screen view.
 * @example screen('42', 'Checkout')
 */
export function screen(who: Who, name: string, data?: Attributes, options: EventOptions = {}): EventOperation {
  return eventOf('screen', who, name, data, options);
}

/** Optional fields of {@link trackAnonymous}. */
export interface AnonymousEventOptions extends EventOptions {
  /** `page` for a page view (the name is its URL), `screen` for a mobile screen view. @defaultValue 'event' */
  readonly type?: AnonymousEventOperation['action'];
}

/**
 * Track an event of a visitor not identified yet. Identify the person later with the same `anonymous_id`
 * attribute and Customer.io attributes the event to them (when the workspace merges anonymous events).
 * Pass `undefined` as `anonymousId` for an event that belongs to no one.
 * @example trackAnonymous('cookie-7f3a', 'viewed_pricing', { plan: 'pro' })
 * @example trackAnonymous('cookie-7f3a', 'https://example.com/pricing', undefined, { type: 'page' })
 */
export function trackAnonymous(anonymousId: string | undefined, name: string, data?: Attributes, options: AnonymousEventOptions = {}): AnonymousEventOperation {
  const { type = 'event', ...rest } = options;
  return { type: 'anonymous', action: type, ...(anonymousId !== undefined && { anonymous_id: anonymousId }), name, ...(data && { attributes: data }), ...rest };
}

/** Delete a person. */
export function deletePerson(who: Who): PersonStateOperation {
  return { type: 'person', action: 'delete', identifiers: identifiersOf(who) };
}

/** Suppress a person: delete them and refuse their identifier from now on. */
export function suppress(who: Who): PersonStateOperation {
  return { type: 'person', action: 'suppress', identifiers: identifiersOf(who) };
}

/** Lift a suppression. */
export function unsuppress(who: Who): PersonStateOperation {
  return { type: 'person', action: 'unsuppress', identifiers: identifiersOf(who) };
}

/**
 * Register a push device.
 * @example addDevice('42', 'fcm-token', 'android', { lastUsed: 1_700_000_000 })
 */
export function addDevice(
  who: Who,
  token: string,
  platform: DevicePlatform,
  options: { lastUsed?: number; attributes?: Attributes } = {},
): AddDeviceOperation {
  const device = {
    token,
    platform,
    ...(options.lastUsed !== undefined && { last_used: options.lastUsed }),
    ...(options.attributes && { attributes: options.attributes }),
  };
  return { type: 'person', action: 'add_device', identifiers: identifiersOf(who), device };
}

/** Remove a push device. */
export function deleteDevice(who: Who, token: string): DeleteDeviceOperation {
  return { type: 'person', action: 'delete_device', identifiers: identifiersOf(who), device: { token } };
}

/**
 * Merge `secondary` into `primary`; the secondary person is deleted.
 * @example merge({ email: 'ada@example.com' }, { id: 'anon-7' })
 */
export function merge(primary: Who, secondary: Who): MergeOperation {
  return { type: 'person', action: 'merge', primary: identifiersOf(primary), secondary: identifiersOf(secondary) };
}

/**
 * Create or update an object, e.g. a company.
 * @example identifyObject('1', 'acme', { name: 'Acme Inc.' })
 */
export function identifyObject(objectTypeId: string, objectId: string, attributes?: Attributes): ObjectIdentifyOperation {
  return { type: 'object', action: 'identify', identifiers: { object_type_id: objectTypeId, object_id: objectId }, ...(attributes && { attributes }) };
}

function eventOf(action: EventOperation['action'], who: Who, name: string, data: Attributes | undefined, options: EventOptions): EventOperation {
  return { type: 'person', action, identifiers: identifiersOf(who), name, ...(data && { attributes: data }), ...options };
}
