import { describe, expect, it } from 'vitest';
import { operationKey } from '../src/index.js';

describe('operationKey', () => {
  it('names the person an operation is about', () => {
    expect(operationKey({ type: 'person', action: 'identify', identifiers: { email: 'a@b.co' } })).toBe('email:a@b.co');
  });
});
