import { describe, expect, it } from 'vitest';
import { identify, identifyObject, stampTimestamp, track, validateOperation } from '../src/index.js';

describe('stampTimestamp', () => {
  it('stamps a person identify without timestamp with its production time in whole unix seconds', () => {
    const stamped = stampTimestamp(identify('42', { plan: 'pro' }), 1_700_000_000_999);
    expect(stamped).toEqual({ type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { plan: 'pro' }, timestamp: 1_700_000_000 });
    // Customer.io (and the validation) want integer seconds, never milliseconds
    expect(validateOperation(stamped)).toBeUndefined();
  });

  it('keeps a timestamp the caller set, and leaves events and objects alone', () => {
    const own = identify('42', { plan: 'pro' }, { timestamp: 1_600_000_000 });
    expect(stampTimestamp(own, 1_700_000_000_000)).toBe(own);
    const event = track('42', 'signed_up');
    expect(stampTimestamp(event, 1_700_000_000_000)).toBe(event);
    const company = identifyObject('company', 'acme', { size: 3 });
    expect(stampTimestamp(company, 1_700_000_000_000)).toBe(company);
  });

  it('orders updates by the second they were produced: two in one second get the same timestamp', () => {
    const first = stampTimestamp(identify('42', { plan: 'a' }), 1_700_000_000_100);
    const sameSecond = stampTimestamp(identify('42', { plan: 'b' }), 1_700_000_000_900);
    const nextSecond = stampTimestamp(identify('42', { plan: 'c' }), 1_700_000_001_000);
    expect([first, sameSecond, nextSecond].map((operation) => (operation as { timestamp: number }).timestamp)).toEqual([1_700_000_000, 1_700_000_000, 1_700_000_001]);
  });
});
