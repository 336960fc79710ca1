import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../src/jsonDepth.js';

const depth = (text: string, max: number): boolean => exceedsJsonDepth(Buffer.from(text), max);

describe('exceedsJsonDepth', () => {
  it('counts nested objects and arrays', () => {
    expect(depth('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(depth('{"a":{"b":[[1]]}}', 3)).toBe(true);
    expect(depth('['.repeat(100_000), 32)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depth('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(depth('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(depth('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
  });
});
