/** Anonymous events (`POST /api/v1/events`) of the full ledger, until event merging gives them to a person. */
import type { EventView } from './types.js';

/** Event merging attributes anonymous events "logged within the last 30 days" (trackAnonymous, OpenAPI document). */
const ANONYMOUS_MERGE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The anonymous events received, in arrival order. */
export class AnonymousEvents {
  readonly #events: EventView[] = [];

  add(event: EventView): void {
    this.#events.push(event);
  }

  /** Removes and returns the events bearing `anonymousId` received in the last 30 days, oldest first. */
  takeRecent(anonymousId: string, now: number): EventView[] {
    const since = now - ANONYMOUS_MERGE_WINDOW_MS;
    const taken: EventView[] = [];
    let kept = 0;
    for (const event of this.#events) {
      if (event.anonymousId === anonymousId && event.receivedAt >= since) taken.push(event);
      else this.#events[kept++] = event;
    }
    this.#events.length = kept;
    return taken;
  }

  /** The events of one visitor, or a copy of all of them. */
  list(anonymousId?: string): EventView[] {
    return anonymousId === undefined ? [...this.#events] : this.#events.filter((event) => event.anonymousId === anonymousId);
  }

  get size(): number {
    return this.#events.length;
  }

  clear(): void {
    this.#events.length = 0;
  }
}
