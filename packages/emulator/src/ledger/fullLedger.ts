/**
 * The full ledger: people, events, devices, relationships, objects, suppressed and deleted
 * identifiers. Memory grows with the data sent; use the counters ledger for long soak runs.
 */
import type { Command, EventType, IdentifyCommand, PersonIdentifierKind, PersonRef, RelatedObject } from '../commands.js';
import { isProblem, personFromPath } from '../validate/common.js';
import { AnonymousEvents } from './anonymousEvents.js';
import { DeliveryLog } from './deliveryLog.js';
import { UnboundedEventIdSet } from './eventIds.js';
import { IdentifierMap } from './identifierIndex.js';
import { PersonRecord } from './person.js';
import type { ApplyResult, DeliveryView, EventQuery, EventView, Ledger, LedgerSizes, PersonLookup } from './types.js';

/** Events listed when a query gives no `limit`. */
const DEFAULT_EVENT_LIMIT = 1000;

/** A merge moves "the most recent 30-days of event history" of the secondary (merge operation, OpenAPI document). */
const MERGED_EVENT_HISTORY_SECONDS = 30 * 24 * 60 * 60;

/** Records everything a workspace receives. See {@link Ledger}. */
export class FullLedger implements Ledger {
  readonly mode = 'full' as const;
  /** The workspace setting "event merging": an identify setting `anonymous_id` takes that visitor's anonymous events. */
  readonly #mergeAnonymousEvents: boolean;

  constructor(options: { readonly mergeAnonymousEvents?: boolean } = {}) {
    this.#mergeAnonymousEvents = options.mergeAnonymousEvents ?? false;
  }

  readonly #index = new IdentifierMap<PersonRecord>();
  /**
   * Suppressed identifiers, each pointing at every identifier suppressed with it: unsuppressing one
   * frees them all ("the suppressed person had both an email and ID, both the person's email and ID
   * are unsuppressed", unsuppress operation).
   */
  readonly #suppressed = new IdentifierMap<readonly PersonRef[]>();
  readonly #deleted = new IdentifierMap<true>();
  readonly #anonymousEvents = new AnonymousEvents();
  readonly #objects = new Map<string, Record<string, unknown>>();
  /** The people related to each object, so deleting the object can drop the relationships. */
  readonly #objectPeople = new Map<string, Set<PersonRecord>>();
  readonly #deliveries = new DeliveryLog();
  readonly #eventIds = new UnboundedEventIdSet();
  #personEvents = 0;
  #nextCioId = 1;

  apply(command: Command, now: number): ApplyResult {
    switch (command.action) {
      case 'identify':
        return this.#identify(command, now);
      case 'event':
      case 'page':
      case 'screen': {
        if (this.#suppressed.has(command.person)) return 'ignored';
        const person = this.#findOrCreate(command.person, now);
        if (person === undefined) return 'ignored';
        if (command.id !== undefined && this.#eventIds.checkAndAdd(command.id)) return 'duplicate';
        person.events.push(eventView(command.action, command, now, person.cioId, undefined));
        person.updatedAt = now;
        this.#personEvents++;
        return 'applied';
      }
      case 'anonymous_event': {
        if (command.id !== undefined && this.#eventIds.checkAndAdd(command.id)) return 'duplicate';
        this.#anonymousEvents.add(eventView(command.eventType, command, now, undefined, command.anonymousId));
        return 'applied';
      }
      case 'delete': {
        const person = this.#index.get(command.person);
        if (person === undefined) return 'ignored';
        for (const ref of this.#remove(person)) this.#deleted.set(ref, true);
        return 'applied';
      }
      case 'suppress': {
        // Suppressing deletes the profile and blocks every identifier it had ("both the person's email and ID are suppressed").
        const person = this.#index.get(command.person);
        const refs = person === undefined ? [command.person] : this.#remove(person);
        for (const ref of refs) this.#suppressed.set(ref, refs);
        return 'applied';
      }
      case 'unsuppress': {
        const group = this.#suppressed.get(command.person);
        if (group === undefined) return 'ignored';
        // Frees the person's every identifier; it "does not recreate the profile".
        for (const ref of group) this.#suppressed.delete(ref);
        return 'applied';
      }
      case 'add_device': {
        if (this.#suppressed.has(command.person)) return 'ignored';
        const person = this.#findOrCreate(command.person, now);
        if (person === undefined) return 'ignored';
        const { token, platform, attributes } = command;
        person.devices.set(token, { token, platform, lastUsed: command.lastUsed ?? Math.floor(now / 1000), attributes });
        person.updatedAt = now;
        return 'applied';
      }
      case 'delete_device': {
        const person = this.#index.get(command.person);
        return person?.devices.delete(command.token) === true ? 'applied' : 'ignored';
      }
      case 'merge': {
        const primary = this.#index.get(command.primary);
        const secondary = this.#index.get(command.secondary);
        // "If the primary profile doesn't exist, your request won't do anything."
        if (primary === undefined || secondary === undefined || primary === secondary) return 'ignored';
        for (const ref of this.#remove(secondary)) this.#deleted.set(ref, true);
        const relatedBefore = new Set(primary.relationships.keys());
        this.#personEvents += primary.mergeFrom(secondary, now, Math.floor(now / 1000) - MERGED_EVENT_HISTORY_SECONDS);
        for (const key of primary.relationships.keys()) if (!relatedBefore.has(key)) this.#objectPeopleOf(key).add(primary);
        return 'applied';
      }
      case 'add_relationships':
      case 'delete_relationships': {
        if (this.#suppressed.has(command.person)) return 'ignored';
        const adding = command.action === 'add_relationships';
        const person = adding ? this.#findOrCreate(command.person, now) : this.#index.get(command.person);
        if (person === undefined) return 'ignored';
        this.#relate(person, command.objects, adding, now);
        return 'applied';
      }
      case 'object_identify':
      case 'object_identify_anonymous':
      case 'object_add_relationships':
      case 'object_delete_relationships': {
        const { key } = command.object;
        if (command.action === 'object_identify' || command.action === 'object_identify_anonymous') {
          this.#objects.set(key, { ...this.#objects.get(key), ...command.attributes });
        }
        // From the object's side: each named person gains (or loses) this object, as if they had sent it.
        const adding = command.action !== 'object_delete_relationships';
        for (const { person: ref, attributes } of command.people) {
          if (this.#suppressed.has(ref)) continue;
          const person = adding ? this.#findOrCreate(ref, now) : this.#index.get(ref);
          if (person !== undefined) this.#relate(person, [{ key, attributes }], adding, now);
        }
        return 'applied';
      }
      case 'object_delete': {
        const { key } = command.object;
        const people = this.#objectPeople.get(key);
        if (people !== undefined) for (const person of people) person.relationships.delete(key);
        this.#objectPeople.delete(key);
        return this.#objects.delete(key) ? 'applied' : 'ignored';
      }
      case 'delivery_event':
      case 'metric':
      case 'push_metric':
        this.#deliveries.addMetric(command, now);
        return 'applied';
      case 'unsubscribe':
        this.#deliveries.setUnsubscribed(command.deliveryId, command.unsubscribe);
        return 'applied';
      case 'segment_add':
      case 'segment_remove': {
        // Only people who exist are added: a segment call never creates a person.
        let changed = false;
        for (const ref of command.people) {
          const person = this.#index.get(ref);
          if (person === undefined) continue;
          if (command.action === 'segment_add') person.segments.add(command.segmentId);
          else person.segments.delete(command.segmentId);
          changed = true;
        }
        return changed ? 'applied' : 'ignored';
      }
      case 'form_submit':
        // "If the person who submitted the form does not already exist, we create them (like an identify request)."
        return this.#identify({ action: 'identify', person: command.person, attributes: command.attributes, timestamp: undefined, updateOnly: false }, now);
    }
  }

  #objectPeopleOf(key: string): Set<PersonRecord> {
    let people = this.#objectPeople.get(key);
    if (people === undefined) this.#objectPeople.set(key, (people = new Set()));
    return people;
  }

  /** Adds or removes relationships of a person; an added one keeps the attributes sent with it. */
  #relate(person: PersonRecord, objects: readonly RelatedObject[], adding: boolean, now: number): void {
    for (const { key, attributes } of objects) {
      if (adding) {
        person.relationships.set(key, { ...person.relationships.get(key), ...attributes });
        this.#objectPeopleOf(key).add(person);
      } else {
        person.relationships.delete(key);
        this.#objectPeople.get(key)?.delete(person);
      }
    }
    person.updatedAt = now;
  }

  #identify(command: IdentifyCommand, now: number): ApplyResult {
    if (this.#suppressed.has(command.person)) return 'ignored';
    const person = this.#index.get(command.person) ?? this.#ownerOfBodyIdentifier(command) ?? (command.updateOnly ? undefined : this.#findOrCreate(command.person, now));
    if (person === undefined) return 'ignored';
    const { attributes } = command;
    const changed = person.writeAttributes(attributes, command.timestamp ?? Math.floor(now / 1000), now);
    if (changed && ('id' in attributes || 'email' in attributes)) {
      const byCioId = command.person.kind === 'cio_id';
      this.#adoptIdentifier(person, 'id', byCioId);
      this.#adoptIdentifier(person, 'email', byCioId);
    }
    if (command.relationships !== undefined) this.#relate(person, command.relationships.objects, command.relationships.adding, now);
    if (this.#mergeAnonymousEvents) this.#adoptAnonymousEvents(person, now);
    return 'applied';
  }

  /** Moves the anonymous events bearing the person's `anonymous_id` attribute, received in the last 30 days, to the person. */
  #adoptAnonymousEvents(person: PersonRecord, now: number): void {
    const anonymousId = person.attribute('anonymous_id');
    if (typeof anonymousId !== 'string' || anonymousId === '') return;
    const moved = this.#anonymousEvents.takeRecent(anonymousId, now);
    if (moved.length === 0) return;
    for (const event of moved) person.events.push({ ...event, cioId: person.cioId });
    person.events.sort((a, b) => a.receivedAt - b.receivedAt);
    this.#personEvents += moved.length;
  }

  /**
   * The identify rule for an identifier nobody has yet: "If the identifier in the path does not belong
   * to a person but you use an identifier in your request body that does belong to a person, your
   * request updates the person and assigns them the identifier in the path", and its tip: "you send an
   * identify call with a new id but an email that already belongs to someone, we update the existing
   * person rather than creating a new one. The existing person gets the new id" (identify operation,
   * OpenAPI document). So the person who has the body's `email` (or `id`) takes the path's identifier,
   * in place of the one of that kind they had. A cio_id is never assigned this way.
   */
  #ownerOfBodyIdentifier(command: IdentifyCommand): PersonRecord | undefined {
    const { person: ref, attributes } = command;
    if (ref.kind !== 'id' && ref.kind !== 'email') return undefined;
    const other = ref.kind === 'id' ? 'email' : 'id';
    const value = attributes[other];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const owner = this.#index.get({ kind: other, value: String(value) });
    if (owner === undefined) return undefined;
    const previous = owner.identifiers[ref.kind];
    if (previous !== undefined) this.#index.delete({ kind: ref.kind, value: previous });
    owner.identifiers[ref.kind] = ref.value;
    this.#index.set(ref, owner);
    this.#deleted.delete(ref);
    return owner;
  }

  /**
   * An `id` or `email` attribute becomes an identifier when the person has none of that kind yet;
   * changing an existing one needs the person to be addressed by `cio_id`, as Customer.io requires.
   * A value that already belongs to someone else is not taken (Customer.io logs an
   * "Attribute Update Failure" and still answers 200).
   */
  #adoptIdentifier(person: PersonRecord, kind: 'id' | 'email', byCioId: boolean): void {
    const raw = person.attribute(kind);
    if (typeof raw !== 'string' && typeof raw !== 'number') return;
    const ref: PersonRef = { kind, value: String(raw) };
    const current = person.identifiers[kind];
    if (current === ref.value || (current !== undefined && !byCioId)) return;
    if (this.#index.get(ref) !== undefined || this.#suppressed.has(ref)) return;
    if (current !== undefined) this.#index.delete({ kind, value: current });
    person.identifiers[kind] = ref.value;
    this.#index.set(ref, person);
  }

  #findOrCreate(ref: PersonRef, now: number): PersonRecord | undefined {
    const existing = this.#index.get(ref);
    // An unknown cio_id is dropped: Customer.io assigns cio_ids, a client cannot invent one.
    if (existing !== undefined || ref.kind === 'cio_id') return existing;
    const cioId = (this.#nextCioId++).toString(16).padStart(8, '0');
    const person = new PersonRecord(cioId, now);
    person.identifiers[ref.kind] = ref.value;
    this.#index.set(ref, person);
    // Every person has exactly one cio_id entry: that kind doubles as the list of people.
    this.#index.set({ kind: 'cio_id', value: cioId }, person);
    this.#deleted.delete(ref);
    return person;
  }

  /** Removes a person from every index; returns the identifiers it had. */
  #remove(person: PersonRecord): PersonRef[] {
    const refs: PersonRef[] = [{ kind: 'cio_id', value: person.cioId }];
    for (const [kind, value] of Object.entries(person.identifiers)) refs.push({ kind: kind as PersonIdentifierKind, value });
    for (const ref of refs) this.#index.delete(ref);
    for (const key of person.relationships.keys()) this.#objectPeople.get(key)?.delete(person);
    this.#personEvents -= person.events.length;
    return refs;
  }

  person(identifier: string, by?: PersonIdentifierKind): PersonLookup {
    const ref = by === undefined ? personFromPath(identifier) : { kind: by, value: by === 'cio_id' ? identifier.replace(/^cio_/, '') : identifier };
    if (isProblem(ref)) return { state: 'unknown' };
    const person = this.#index.get(ref);
    if (person !== undefined) return person.view();
    if (this.#suppressed.has(ref)) return { state: 'suppressed' };
    return { state: this.#deleted.has(ref) ? 'deleted' : 'unknown' };
  }

  events(query: EventQuery): EventView[] {
    const limit = query.limit ?? DEFAULT_EVENT_LIMIT;
    let events: EventView[];
    if (query.person !== undefined) {
      const found = this.person(query.person, query.by);
      events = found.state === 'active' ? (this.#index.get({ kind: 'cio_id', value: found.cioId })?.events ?? []) : [];
    } else if (query.anonymousId !== undefined) {
      events = this.#anonymousEvents.list(query.anonymousId);
    } else {
      events = this.#anonymousEvents.list();
      for (const person of this.#index.values('cio_id')) events.push(...person.events);
      events.sort((a, b) => a.receivedAt - b.receivedAt);
    }
    if (query.name !== undefined) events = events.filter((event) => event.name === query.name);
    return events.slice(0, limit);
  }

  delivery(deliveryId: string): DeliveryView | undefined {
    return this.#deliveries.view(deliveryId);
  }

  sizes(): LedgerSizes {
    return {
      people: this.#index.count('cio_id'),
      events: this.#personEvents + this.#anonymousEvents.size,
      anonymousEvents: this.#anonymousEvents.size,
      objects: this.#objects.size,
      suppressed: this.#suppressed.size,
      deliveries: this.#deliveries.size,
      eventIds: this.#eventIds.size,
    };
  }

  clear(): void {
    for (const collection of [this.#index, this.#suppressed, this.#deleted, this.#objects, this.#objectPeople, this.#deliveries, this.#eventIds, this.#anonymousEvents]) collection.clear();
    this.#personEvents = 0;
    this.#nextCioId = 1;
  }
}

interface EventFields {
  readonly name: string;
  readonly id: string | undefined;
  readonly timestamp: number | undefined;
  readonly data: Record<string, unknown>;
}

function eventView(type: EventType, event: EventFields, now: number, cioId: string | undefined, anonymousId: string | undefined): EventView {
  // One literal with every field (undefined ones vanish from JSON): cheaper than spreads, and
  // every stored event has the same shape.
  return { id: event.id, name: event.name, type, timestamp: event.timestamp ?? Math.floor(now / 1000), receivedAt: now, data: event.data, cioId, anonymousId };
}
