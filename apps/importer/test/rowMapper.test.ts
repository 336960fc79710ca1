import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING, parseMapping } from '../src/mapping.js';
import { createRowMapper, isRowProblem } from '../src/rowMapper.js';

describe('createRowMapper', () => {
  it('maps a people row: identifier, typed attributes, empty cells left out', () => {
    const map = createRowMapper(['id', 'plan', 'seats', 'created_at', 'cioscale_error'], DEFAULT_MAPPING, 'id');
    expect(map(['42', 'pro', '', '1700000000', 'old reason'])).toEqual({
      type: 'person',
      action: 'identify',
      identifiers: { id: '42' },
      attributes: { plan: 'pro', created_at: 1_700_000_000 },
    });
  });

  it('identifies by email and keeps email as an attribute', () => {
    const map = createRowMapper(['email', 'plan'], DEFAULT_MAPPING, 'email');
    expect(map(['a@b.co', 'pro'])).toMatchObject({ identifiers: { email: 'a@b.co' }, attributes: { email: 'a@b.co', plan: 'pro' } });
  });

  it('applies renames, types and ignored columns from a mapping', () => {
    const mapping = parseMapping({ rename: { Plan: 'plan' }, types: { Zip: 'number' }, ignore: ['secret'] });
    const map = createRowMapper(['id', 'Plan', 'Zip', 'secret'], mapping, 'id');
    expect(map(['1', 'pro', '02134', 'x'])).toMatchObject({ attributes: { plan: 'pro', Zip: 2134 } });
  });

  it('maps an events row with person, name, timestamp and data', () => {
    const mapping = parseMapping({ kind: 'events', event: { person: 'user', name: 'event', timestamp: 'at' } });
    const map = createRowMapper(['user', 'event', 'at', 'amount'], mapping, 'id');
    expect(map(['7', 'purchased', '2024-01-02', '9.5'])).toEqual({
      type: 'person',
      action: 'event',
      identifiers: { id: '7' },
      name: 'purchased',
      timestamp: 1_704_153_600,
      attributes: { amount: 9.5 },
    });
  });

  it('says why a row cannot be mapped', () => {
    const map = createRowMapper(['id', 'created_at'], DEFAULT_MAPPING, 'id');
    const problems = [map(['', '1']), map(['1']), map(['1', 'soon'])];
    expect(problems.every((p) => isRowProblem(p))).toBe(true);
    expect(problems.map((p) => (isRowProblem(p) ? p.reason : ''))).toEqual(['missing_identifier', 'column_count', 'invalid_value']);
  });

  it('refuses a header without the identifier column, naming the flag', () => {
    expect(() => createRowMapper(['email'], DEFAULT_MAPPING, 'id')).toThrow(/--id-column column "id" is not in the header/);
  });
});

describe('parseMapping', () => {
  it('names the key at fault', () => {
    expect(() => parseMapping({ kind: 'orders' })).toThrow(/mapping\.kind/);
    expect(() => parseMapping({ types: { a: 'date' } })).toThrow(/mapping\.types\.a/);
    expect(() => parseMapping({ colums: {} })).toThrow(/unknown key "colums"/);
    expect(() => parseMapping({ kind: 'events', event: { action: 'click' } })).toThrow(/mapping\.event\.action/);
  });
});
