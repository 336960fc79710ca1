import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oversizeBytes } from '../src/validate/operationSize.js';

const exactBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

describe('oversizeBytes', () => {
  it('gives the exact UTF-8 size of an operation over the limit, and nothing for one that fits', () => {
    const operation = { type: 'person', attributes: { bio: 'é'.repeat(20) } };
    const size = exactBytes(operation);
    expect(oversizeBytes(operation, size)).toBeUndefined();
    expect(oversizeBytes(operation, size - 1)).toBe(size);
  });

  it('agrees with JSON.stringify on any JSON value, at the limit and one byte under it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const size = exactBytes(value);
        expect(oversizeBytes(value, size)).toBeUndefined();
        expect(oversizeBytes(value, size - 1)).toBe(size);
      }),
    );
  });
});
