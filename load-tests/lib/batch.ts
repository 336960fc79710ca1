/**
 * v2 batch bodies of a realistic shape: for each test person an `identify` with the attributes a
 * product typically syncs, then an `event` — the mix the cioscale worker packs into one request.
 */
import { RUN_ATTRIBUTE, testUserEmail, testUserId } from './testUsers.ts';

/** Customer.io refuses a `/api/v2/batch` body of 500 KB or more. */
export const MAX_BATCH_BYTES = 500_000;

/** `{"batch":[…]}` with `operations` operations (rounded down to pairs) for people of this iteration. */
export function batchBody(runId: string, vu: number, iteration: number, operations: number, nowSeconds: number): string {
  const batch: unknown[] = [];
  for (let person = 0; person < Math.floor(operations / 2); person++) {
    // Unique per person: the iteration's id with the person's index in the batch.
    const id = `${testUserId(runId, vu, iteration)}-${person}`;
    batch.push({
      type: 'person',
      action: 'identify',
      identifiers: { id },
      timestamp: nowSeconds,
      attributes: {
        email: testUserEmail(id),
        first_name: 'Load',
        last_name: `Test ${person}`,
        plan: person % 3 === 0 ? 'pro' : 'free',
        company: 'Example Inc.',
        created_at: nowSeconds - 86_400 * (person % 365),
        [RUN_ATTRIBUTE]: runId,
      },
    });
    batch.push({
      type: 'person',
      action: 'event',
      identifiers: { id },
      name: 'load_test_purchase',
      timestamp: nowSeconds,
      attributes: { order_id: `order-${iteration}-${person}`, amount_cents: 1999 + person, currency: 'USD', [RUN_ATTRIBUTE]: runId },
    });
  }
  return JSON.stringify({ batch });
}

/** Bytes of a body built by {@link batchBody}: it is ASCII, so one byte per character. */
export function asciiBytes(body: string): number {
  return body.length;
}
