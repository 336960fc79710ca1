import { describe, expect, it } from 'vitest';
import { addDevice, identify, identifyObject, merge, track, validateOperation, type Operation } from '../src/index.js';

describe('validateOperation', () => {
  it('accepts an ordinary identify and event', () => {
    expect(validateOperation(identify('42', { email: 'ada@example.com', plan: 'pro', seats: 3 }))).toBeUndefined();
    expect(validateOperation(track({ email: 'ada@example.com' }, 'signed_up', { source: 'ads' }))).toBeUndefined();
  });

  it('counts UTF-8 bytes, not string length', () => {
    // 400 × 'é' is 400 characters but 800 bytes: fine. 600 × 'é' is 1200 bytes: too long.
    expect(validateOperation(identify('42', { bio: 'é'.repeat(400) }))).toBeUndefined();
    expect(validateOperation(identify('42', { bio: 'é'.repeat(600) }))).toMatchObject({
      reason: 'attribute_value_too_long',
      field: 'attributes.bio',
      message: expect.stringContaining('1200 bytes'),
      origin: 'local',
    });
    // 60 × '€' = 180 bytes > 150 for an id, though only 60 characters.
    expect(validateOperation(identify('€'.repeat(60)))).toMatchObject({ reason: 'identifier_too_long', field: 'identifiers.id' });
  });

  it.each<[string, Operation, string, string]>([
    ['id over 150 bytes', identify('x'.repeat(151)), 'identifier_too_long', 'identifiers.id'],
    ['attribute name over 150 bytes', identify('1', { ['n'.repeat(151)]: 1 }), 'attribute_name_too_long', `attributes.${'n'.repeat(151)}`],
    ['attribute value over 1000 bytes', identify('1', { bio: 'x'.repeat(1001) }), 'attribute_value_too_long', 'attributes.bio'],
    ['nested value over 1000 bytes serialized', identify('1', { tags: ['x'.repeat(999)] }), 'attribute_value_too_long', 'attributes.tags'],
    ['301 attributes', identify('1', Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`a${i}`, i]))), 'too_many_attributes', 'attributes'],
    ['event name over 100 bytes', track('1', 'e'.repeat(101)), 'event_name_too_long', 'name'],
    ['empty event name', track('1', ''), 'event_name_missing', 'name'],
    ['identifiers missing', { type: 'person', action: 'identify' } as unknown as Operation, 'missing_identifier', 'identifiers'],
    ['an unknown identifier', { type: 'person', action: 'identify', identifiers: { user: '1' } } as unknown as Operation, 'unknown_identifier', 'identifiers.user'],
    ['no identifier', { type: 'person', action: 'identify', identifiers: {} } as unknown as Operation, 'missing_identifier', 'identifiers'],
    ['two identifiers', { type: 'person', action: 'delete', identifiers: { id: '1', email: 'a@b.co' } } as unknown as Operation, 'multiple_identifiers', 'identifiers'],
    ['empty email', identify({ email: '' }), 'missing_identifier', 'identifiers.email'],
    ['timestamp in ms', identify('1', {}, { timestamp: 1_700_000_000_000 }), 'invalid_timestamp', 'timestamp'],
    ['fractional timestamp', track('1', 'x', {}, { timestamp: 1.5 }), 'invalid_timestamp', 'timestamp'],
    ['unknown platform', addDevice('1', 'tok', 'web' as 'ios'), 'invalid_device', 'device.platform'],
    ['merge without secondary id', merge('1', { email: '' }), 'missing_identifier', 'secondary.email'],
    ['object without id', identifyObject('1', ''), 'missing_identifier', 'identifiers.object_id'],
  ])('rejects %s, naming the rule and the field', (_, operation, reason, field) => {
    expect(validateOperation(operation)).toMatchObject({ reason, field, origin: 'local' });
  });

  it('names every identifier it received when there are several', () => {
    const operation = { type: 'person', action: 'delete', identifiers: { id: '1', email: 'a@b.co', phone: '+1' } } as unknown as Operation;
    expect(validateOperation(operation)?.message).toMatch(/received id, email, phone$/);
  });

  it('accepts numbers, booleans and null as attribute values of any magnitude', () => {
    expect(validateOperation(identify('1', { big: Number.MAX_VALUE, tiny: -5e-324, yes: true, none: null }))).toBeUndefined();
  });

  it('accepts exactly the limits', () => {
    expect(validateOperation(identify('x'.repeat(150), { ['n'.repeat(150)]: 'v'.repeat(1000) }))).toBeUndefined();
    expect(validateOperation(identify('1', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`a${i}`, i]))))).toBeUndefined();
    expect(validateOperation(track('1', 'e'.repeat(100)))).toBeUndefined();
  });

  it('rejects an operation over 32 KB even when each attribute is within limits', () => {
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`a${i}`, 'x'.repeat(1000)]));
    const rejection = validateOperation(identify('1', attributes));
    expect(rejection).toMatchObject({ reason: 'operation_too_large', field: 'operation' });
    expect(rejection?.message).toMatch(/\d+ bytes; a v2 operation may be at most 32000 bytes/);
  });
});
