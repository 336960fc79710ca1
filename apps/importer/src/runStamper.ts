import { identifiersKey, stampTimestamp, type Operation } from '@cioscale/core';

/** The latest a row is stamped after the run's time: a person's 61st and later rows in one file share it. */
export const MAX_STAMP_OFFSET_SECONDS = 60;

/** Slots of the per-person counts: 1 MB, so people of different slots rarely share one (see below). */
const SLOTS = 1 << 20;

/**
 * Stamps each identify without a timestamp (no `timestamp`, no `_timestamp` attribute) with the run's time,
 * so that an older update retried after a newer one of the same person loses at Customer.io, which orders a
 * person's updates by `timestamp` (whole seconds; at an equal timestamp the later arrival wins; without one,
 * the time it is received). The rule itself is core's `stampTimestamp`; this class only picks the second.
 *
 * File order is kept within one second: a row is stamped `runSeconds + n`, where `n` is the number of earlier
 * rows of the same person in the file, so a person's second row is one second newer than its first even if
 * both are read in the same millisecond. Every other row is stamped exactly the run's time. `n` is counted
 * per slot of a hash of the identifier (1 Mi slots, no per-person memory): two people sharing a slot only
 * make the later one's stamp a second newer, which is harmless; `n` stops at {@link MAX_STAMP_OFFSET_SECONDS},
 * so no stamp is more than a minute after the run started.
 *
 * The run's time is chosen once and kept in the checkpoint, and a resumed run passes the rows it skips to
 * {@link RunStamper.observe}: every row gets the stamp it got the first time, and an update made elsewhere
 * between the two runs (stamped later) is not overwritten by the file's older data.
 */
export class RunStamper {
  private readonly earlier = new Uint8Array(SLOTS);

  /** @param runSeconds - the run's time, unix seconds (from the checkpoint on `--resume`) */
  constructor(readonly runSeconds: number) {}

  /** The operation with its stamp, or as it is when it is not an identify without a timestamp. */
  stamp(operation: Operation): Operation {
    const slot = this.slotOf(operation);
    if (slot < 0) return operation;
    return stampTimestamp(operation, (this.runSeconds + this.count(slot)) * 1000);
  }

  /** A row done before the resume: counted for its person, as the first run counted it; nothing is stamped. */
  observe(operation: Operation): void {
    const slot = this.slotOf(operation);
    if (slot >= 0) this.count(slot);
  }

  /** The earlier rows of the slot, then one more. */
  private count(slot: number): number {
    const n = this.earlier[slot]!;
    if (n < MAX_STAMP_OFFSET_SECONDS) this.earlier[slot] = n + 1;
    return n;
  }

  /** The slot of an identify to stamp, or -1. */
  private slotOf(operation: Operation): number {
    if (operation.type !== 'person' || operation.action !== 'identify' || operation.timestamp !== undefined) return -1;
    if (operation.attributes !== undefined && '_timestamp' in operation.attributes) return -1;
    // FNV-1a: cheap, and spreads `user-1`, `user-2`… evenly
    const key = identifiersKey(operation.identifiers);
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return (hash >>> 0) & (SLOTS - 1);
  }
}
