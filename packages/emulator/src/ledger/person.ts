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
  readonly relationships = new Set<string>();
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

  /** Copies the attributes `secondary` has and this person lacks (the documented merge rule). */
  mergeFrom(secondary: PersonRecord, now: number): void {
    for (const [name, write] of secondary.#attributes) {
      const current = this.attribute(name);
      if (current === undefined || current === null || current === '') this.#attributes.set(name, write);
    }
    for (const [token, device] of secondary.devices) if (!this.devices.has(token)) this.devices.set(token, device);
    for (const relationship of secondary.relationships) this.relationships.add(relationship);
    for (const event of secondary.events) this.events.push({ ...event, cioId: this.cioId });
    this.events.sort((a, b) => a.receivedAt - b.receivedAt);
    this.updatedAt = now;
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
      relationships: [...this.relationships],
      eventCount: this.events.length,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }
}
