/**
 * One person in the full ledger: attributes with last-writer-wins ordering, devices,
 * relationships and events.
 */
import type { AttributeMap, PersonIdentifierKind } from '../commands.js';
import type { DeviceView, EventView, PersonView } from './types.js';

/**
 * One identify call's attributes with its unix-seconds timestamp. Each attribute points at the
 * write that last set it, so a call costs one allocation rather than one per attribute (the full
 * ledger takes hundreds of thousands of writes per second).
 */
interface Write {
  readonly attributes: AttributeMap;
  readonly timestamp: number;
}

/** Identifier kinds a person carries besides the emulator-assigned `cio_id`. */
export type ExternalIdentifierKind = Exclude<PersonIdentifierKind, 'cio_id'>;

/** A mutable person record. Only the ledger changes it. */
export class PersonRecord {
  readonly identifiers: Partial<Record<ExternalIdentifierKind, string>> = {};
  readonly #attributes = new Map<string, Write>();
  readonly devices = new Map<string, DeviceView>();
  /** Related objects (`type_id:object_id` or `cio:<cio_object_id>`) → the relationship's attributes. */
  readonly relationships = new Map<string, AttributeMap>();
  /** Manual segments the person was added to (`POST /api/v1/segments/{id}/add_customers`). */
  readonly segments = new Set<number>();
  readonly events: EventView[] = [];
  updatedAt: number;

  constructor(
    readonly cioId: string,
    readonly createdAt: number,
  ) {
    this.updatedAt = createdAt;
  }

  /**
   * Writes attributes stamped with `timestamp` (unix seconds). Per attribute, the write with the
   * later timestamp wins; at an equal timestamp the later arrival wins, which is why the
   * comparison is `>=`. A `null` value is kept as a tombstone so an older write cannot resurrect
   * the attribute, and is hidden from {@link view}.
   * Returns whether any attribute changed.
   */
  writeAttributes(attributes: AttributeMap, timestamp: number, now: number): boolean {
    let changed = false;
    const write: Write = { attributes, timestamp };
    for (const name in attributes) {
      const current = this.#attributes.get(name);
      if (current !== undefined && timestamp < current.timestamp) continue;
      this.#attributes.set(name, write);
      changed = true;
    }
    if (changed) this.updatedAt = now;
    return changed;
  }

  /** The current value of an attribute, or undefined. */
  attribute(name: string): unknown {
    return this.#attributes.get(name)?.attributes[name];
  }

  /**
   * Takes what the merge rules of `POST /api/v1/merge_customers` move from `secondary`: "Attributes
   * that are not set, or are empty, on the primary", "The most recent 30-days of event history"
   * (events whose timestamp is at or after `eventsSince`, unix seconds) and "Manual segments that the
   * primary person did not already belong to"; also its devices and relationships. Returns the number
   * of events moved.
   */
  mergeFrom(secondary: PersonRecord, now: number, eventsSince: number): number {
    for (const [name, write] of secondary.#attributes) {
      const current = this.attribute(name);
      if (current === undefined || current === null || current === '') this.#attributes.set(name, write);
    }
    for (const [token, device] of secondary.devices) if (!this.devices.has(token)) this.devices.set(token, device);
    for (const [key, attributes] of secondary.relationships) if (!this.relationships.has(key)) this.relationships.set(key, attributes);
    for (const segment of secondary.segments) this.segments.add(segment);
    let moved = 0;
    for (const event of secondary.events) {
      if (event.timestamp < eventsSince) continue;
      this.events.push({ ...event, cioId: this.cioId });
      moved++;
    }
    this.events.sort((a, b) => a.receivedAt - b.receivedAt);
    this.updatedAt = now;
    return moved;
  }

  /** A plain snapshot for the admin API and tests. */
  view(): PersonView {
    const attributes: Record<string, unknown> = {};
    for (const [name, write] of this.#attributes) if (write.attributes[name] !== null) attributes[name] = write.attributes[name];
    return {
      state: 'active',
      cioId: this.cioId,
      identifiers: { ...this.identifiers },
      attributes,
      devices: [...this.devices.values()],
      relationships: [...this.relationships.keys()],
      relationshipAttributes: Object.fromEntries(this.relationships),
      segments: [...this.segments].sort((a, b) => a - b),
      eventCount: this.events.length,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }
}
