import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createEnvelope, eventId, identify, randomEventId, track, utf8Bytes, withJsonMember } from '../src/index.js';

describe('eventId', () => {
  it('is a valid ULID, the same for the same record, different for another', () => {
    const a = eventId('users.csv#1', 1_700_000_000_000);
    expect(isValid(a)).toBe(true);
    expect(decodeTime(a)).toBe(1_700_000_000_000);
    expect(eventId('users.csv#1', 1_700_000_000_000)).toBe(a);
    expect(eventId('users.csv#2', 1_700_000_000_000)).not.toBe(a);
  });

  it('gives the same id whatever time was asked for just before (the time part is remembered)', () => {
    const a = eventId('users.csv#7', 1_700_000_000_000);
    const b = eventId('users.csv#7', 0);
    expect(eventId('users.csv#7', 0)).toBe(b);
    expect(eventId('users.csv#7', 1_700_000_000_000)).toBe(a);
    expect(decodeTime(b)).toBe(0);
    expect(a.slice(10)).toBe(b.slice(10));
  });

  it('does not collide over 100k keys', () => {
    const ids = new Set(Array.from({ length: 100_000 }, (_, i) => eventId(`k#${i}`, 0)));
    expect(ids.size).toBe(100_000);
  });
});

describe('randomEventId', () => {
  it('is a valid ULID with the given time and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, () => randomEventId(1_700_000_000_123));
    expect(ids.every((id) => isValid(id) && decodeTime(id) === 1_700_000_000_123)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // the random part uses the whole alphabet, not a biased corner of it
    expect(new Set(ids.flatMap((id) => [...id.slice(10)])).size).toBe(32);
  });
});

describe('createEnvelope', () => {
  it('stamps events with a deterministic id, so a replay is deduplicated', () => {
    // A source passes a time that is stable for the record (here: the import's start, kept in its checkpoint).
    const first = createEnvelope(track('42', 'purchased', { total: 5 }), { source: 1, sourceKey: 'events.csv#1', producedAt: 1, idTimeMs: 1_000 });
    const replay = createEnvelope(track('42', 'purchased', { total: 5 }), { source: 1, sourceKey: 'events.csv#1', producedAt: 999_999, idTimeMs: 1_000 });
    expect(first.operation).toMatchObject({ action: 'event', id: first.id });
    expect(replay.id).toBe(first.id);
  });

  it('takes the id time from the event timestamp when there is one', () => {
    const envelope = createEnvelope(track('42', 'x', {}, { timestamp: 1_600_000_000 }), { source: 0, sourceKey: 'k', producedAt: 5 });
    expect(decodeTime(envelope.id)).toBe(1_600_000_000_000);
  });

  it('keeps an id the caller chose', () => {
    const id = '01HNZXD07M5CEN5XA66EMZSRZW';
    expect(createEnvelope(track('42', 'x', {}, { id }), { source: 0, producedAt: 0 }).id).toBe(id);
  });

  it('records key and UTF-8 size of the operation as sent', () => {
    const envelope = createEnvelope(identify({ email: 'zoë@example.com' }, { city: 'Zürich' }), { source: 'row-3', producedAt: 7 });
    expect(envelope.key).toBe('email:zoë@example.com');
    expect(envelope.bytes).toBe(utf8Bytes(JSON.stringify(envelope.operation)));
    expect(envelope.bytes).toBeGreaterThan(JSON.stringify(envelope.operation).length);
    expect(envelope).toMatchObject({ source: 'row-3', producedAt: 7 });
    expect('id' in envelope.operation).toBe(false);
  });

  it('keeps the JSON it measured, which is the operation as sent (an event with its id)', () => {
    const person = createEnvelope(identify('7', { note: 'say "hi"\n', city: 'Zürich 😀' }), { source: 0, producedAt: 0 });
    expect(person.json).toBe(JSON.stringify(person.operation));
    expect(person.bytes).toBe(Buffer.byteLength(person.json ?? '', 'utf8'));
    const event = createEnvelope(track('42', 'purchased', { total: 5 }), { source: 1, sourceKey: 'events.csv#1', producedAt: 1 });
    expect(JSON.parse(event.json ?? '{}')).toEqual({ ...event.operation, id: event.id });
  });

  it("builds from the caller's JSON of the operation the same envelope as from the operation alone", () => {
    const person = identify('7', { note: 'say "hi"\n', city: 'Zürich 😀' }, { timestamp: 1_700_000_000 });
    const from = { source: 0, sourceKey: 'people.csv#7', producedAt: 5 };
    expect(createEnvelope(person, { ...from, json: JSON.stringify(person) })).toEqual(createEnvelope(person, from));
    // an event without id gets the envelope's, added to the given JSON as JSON.stringify adds it to the operation
    const event = track('42', 'purchased', { total: 5, items: ['a', 'é'] });
    const withJson = createEnvelope(event, { ...from, json: JSON.stringify(event) });
    expect(withJson).toEqual(createEnvelope(event, from));
    expect(withJson.json).toBe(JSON.stringify({ ...event, id: withJson.id }));
  });
});

describe('withJsonMember', () => {
  it('writes the text JSON.stringify writes for the object with the member added last', () => {
    const value = { type: 'person', nested: { a: [1, { b: '}' }] }, note: 'x"}' };
    expect(withJsonMember(JSON.stringify(value), 'timestamp', 1_700_000_000)).toBe(JSON.stringify({ ...value, timestamp: 1_700_000_000 }));
    expect(withJsonMember(JSON.stringify(value), 'id', '01H"é')).toBe(JSON.stringify({ ...value, id: '01H"é' }));
    expect(withJsonMember('{}', 'id', 'x')).toBe('{"id":"x"}');
  });
});
