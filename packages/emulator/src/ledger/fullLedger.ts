/**
 * The full ledger: people, events, devices, relationships, objects, suppressed and deleted
 * identifiers. Memory grows with the data sent; use the counters ledger for long soak runs.
 */
import type { Command, EventType, IdentifyCommand, PersonIdentifierKind, PersonRef } from '../commands.js';
import { isProblem, personFromPath } from '../validate/common.js';
import { UnboundedEventIdSet } from './eventIds.js';
import { IdentifierMap } from './identifierIndex.js';
import { PersonRecord } from './person.js';
import type { ApplyResult, EventQuery, EventView, Ledger, LedgerSizes, PersonLookup } from './types.js';

/** Events listed when a query gives no `limit`. */
const DEFAULT_EVENT_LIMIT = 1000;

/** Records everything a workspace receives. See {@link Ledger}. */
export class FullLedger implements Ledger {
  readonly mode = 'full' as const;
  readonly #index = new IdentifierMap<PersonRecord>();
  readonly #suppressed = new IdentifierMap<true>();
  readonly #deleted = new IdentifierMap<true>();
  readonly #anonymousEvents: EventView[] = [];
  readonly #objects = new Map<string, Record<string, unknown>>();
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
        this.#anonymousEvents.push(eventView(command.eventType, command, now, undefined, command.anonymousId));
        return 'applied';
      }
      case 'delete': {
        const person = this.#index.get(command.person);
        if (person === undefined) return 'ignored';
        for (const ref of this.#remove(person)) this.#deleted.set(ref, true);
        return 'applied';
      }
      case 'suppress': {
        // Suppressing deletes the profile and blocks every identifier it had.
        const person = this.#index.get(command.person);
        const refs = person === undefined ? [command.person] : this.#remove(person);
        for (const ref of refs) this.#suppressed.set(ref, true);
        return 'applied';
      }
      case 'unsuppress':
        return this.#suppressed.delete(command.person) ? 'applied' : 'ignored';
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
        const moved = secondary.events.length;
        for (const ref of this.#remove(secondary)) this.#deleted.set(ref, true);
        primary.mergeFrom(secondary, now);
        this.#personEvents += moved;
        return 'applied';
      }
      case 'add_relationships':
      case 'delete_relationships': {
        if (this.#suppressed.has(command.person)) return 'ignored';
        const adding = command.action === 'add_relationships';
        const person = adding ? this.#findOrCreate(command.person, now) : this.#index.get(command.person);
        if (person === undefined) return 'ignored';
        for (const object of command.objects) {
          if (adding) person.relationships.add(object.key);
          else person.relationships.delete(object.key);
        }
        person.updatedAt = now;
        return 'applied';
      }
      case 'object_identify':
      case 'object_identify_anonymous':
        this.#objects.set(command.object.key, { ...this.#objects.get(command.object.key), ...command.attributes });
        return 'applied';
      case 'object_delete':
        return this.#objects.delete(command.object.key) ? 'applied' : 'ignored';
      case 'object_add_relationships':
      case 'object_delete_relationships':
      case 'delivery_event':
        return 'applied';
    }
  }

  #identify(command: IdentifyCommand, now: number): ApplyResult {
    if (this.#suppressed.has(command.person)) return 'ignored';
    const person = command.updateOnly ? this.#index.get(command.person) : this.#findOrCreate(command.person, now);
    if (person === undefined) return 'ignored';
    const { attributes } = command;
    const changed = person.writeAttributes(attributes, command.timestamp ?? Math.floor(now / 1000), now);
    if (changed && ('id' in attributes || 'email' in attributes)) {
      const byCioId = command.person.kind === 'cio_id';
      this.#adoptIdentifier(person, 'id', byCioId);
      this.#adoptIdentifier(person, 'email', byCioId);
    }
    return 'applied';
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
      events = this.#anonymousEvents.filter((event) => event.anonymousId === query.anonymousId);
    } else {
      events = [...this.#anonymousEvents];
      for (const person of this.#index.values('cio_id')) events.push(...person.events);
      events.sort((a, b) => a.receivedAt - b.receivedAt);
    }
    if (query.name !== undefined) events = events.filter((event) => event.name === query.name);
    return events.slice(0, limit);
  }

  sizes(): LedgerSizes {
    return {
      people: this.#index.count('cio_id'),
      events: this.#personEvents + this.#anonymousEvents.length,
      anonymousEvents: this.#anonymousEvents.length,
      objects: this.#objects.size,
      suppressed: this.#suppressed.size,
      eventIds: this.#eventIds.size,
    };
  }

  clear(): void {
    for (const collection of [this.#index, this.#suppressed, this.#deleted, this.#objects, this.#eventIds]) collection.clear();
    this.#anonymousEvents.length = 0;
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
