/**
 * The counters ledger, for long soak runs: it stores no people and no events, only the most recent
 * event ids so duplicates are still recognised. Memory is O(`dedupeWindow`) however long the run.
 * Without people it cannot know suppression, `_update` on unknown people, or merge targets, so
 * every accepted operation counts as applied unless it is a duplicate event.
 */
import type { Command } from '../commands.js';
import { BoundedEventIdSet } from './eventIds.js';
import type { ApplyResult, DeliveryView, EventView, Ledger, LedgerSizes, PersonLookup } from './types.js';

/** Event ids the counters ledger remembers when not told otherwise. */
export const DEFAULT_DEDUPE_WINDOW = 100_000;

/** Counts instead of storing. See {@link Ledger}. */
export class CountersLedger implements Ledger {
  readonly mode = 'counters' as const;
  readonly #eventIds: BoundedEventIdSet;

  /** @param dedupeWindow Event ids remembered for dedupe; 0 turns dedupe off. @defaultValue 100000 */
  constructor(dedupeWindow = DEFAULT_DEDUPE_WINDOW) {
    this.#eventIds = new BoundedEventIdSet(dedupeWindow);
  }

  apply(command: Command): ApplyResult {
    switch (command.action) {
      case 'event':
      case 'page':
      case 'screen':
      case 'anonymous_event':
        return command.id !== undefined && this.#eventIds.checkAndAdd(command.id) ? 'duplicate' : 'applied';
      default:
        return 'applied';
    }
  }

  person(): PersonLookup {
    return { state: 'untracked' };
  }

  events(): EventView[] {
    return [];
  }

  delivery(): DeliveryView | undefined {
    return undefined;
  }

  sizes(): LedgerSizes {
    return { people: 0, events: 0, anonymousEvents: 0, objects: 0, suppressed: 0, deliveries: 0, eventIds: this.#eventIds.size };
  }

  clear(): void {
    this.#eventIds.clear();
  }
}
