import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/retryAfter.js';

const now = Date.UTC(2015, 9, 21, 7, 27, 58); // Wed, 21 Oct 2015 07:27:58 GMT

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    [' 120 ', 120_000],
  ])('reads delta-seconds %j as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it('reads an HTTP date as the ms left until it', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 22 Oct 2015 07:27:58 GMT', now)).toBe(86_400_000);
  });

  it('reads a date in the past as 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', 'soon', '-1', '1e3', '0x10', '3 seconds', 'Wed, 21 Oct 2015', '21 Oct 2015 07:28:00 GMT', 'Wed, 21 Oct 2015 07:28:00 PST', 'Wed, 32 Oct 2015 07:28:00 GMT'])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});
