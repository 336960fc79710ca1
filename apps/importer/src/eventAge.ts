import type { Operation } from '@cioscale/core';
import { isEventOperation } from '@cioscale/core';

/** Customer.io triggers campaigns only from events dated within the past 72 hours. */
export const CAMPAIGN_WINDOW_SECONDS = 72 * 3600;

/** How old an event is, as far as campaigns care; `none` without a timestamp (Customer.io uses "now"). */
export type EventAge = 'none' | 'future' | 'within72h' | 'within30d' | 'older';

/** The age bucket of an event operation at `nowSeconds`, or `undefined` for anything that is not an event. */
export function eventAge(operation: Operation, nowSeconds: number): EventAge | undefined {
  if (!isEventOperation(operation)) return undefined;
  const { timestamp } = operation;
  if (timestamp === undefined) return 'none';
  const age = nowSeconds - timestamp;
  if (age < 0) return 'future';
  if (age <= CAMPAIGN_WINDOW_SECONDS) return 'within72h';
  return age <= 30 * 86_400 ? 'within30d' : 'older';
}

/** True for the ages that can trigger a campaign: no timestamp, in the future, or within 72 hours. */
export function isRecent(age: EventAge | undefined): boolean {
  return age === 'none' || age === 'future' || age === 'within72h';
}
