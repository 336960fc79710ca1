/**
 * `cio_relationships` as Customer.io keeps them: sent with an identify (v1 object form, v2 array),
 * with the person actions, and from the object's side, with the object and relationship limits.
 */
import { describe, expect, it } from 'vitest';
import { answered, identifyOp, refused, send, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer } from './openapi.js';

const acme = { object_type_id: '1', object_id: 'acme' };
const globex = { object_type_id: '1', object_id: 'globex' };

describe('relationships sent with an identify', () => {
  const start = useEmulators();

  it('v1: adds and deletes the objects of cio_relationships {action, relationships}', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const { status, body } = await answered(emulator, () =>
      cio.identify('1', {
        plan: 'pro',
        cio_relationships: { action: 'add_relationships', relationships: [{ identifiers: acme, relationship_attributes: { role: 'owner' } }, { identifiers: globex }] },
      }),
    );
    expectDeclaredAnswer('PUT', '/api/v1/customers/{identifier}', status, body);
    expect(emulator.person('1')).toMatchObject({
      attributes: { plan: 'pro' },
      relationships: ['1:acme', '1:globex'],
      relationshipAttributes: { '1:acme': { role: 'owner' }, '1:globex': {} },
    });
    expect(emulator.person('1')).not.toHaveProperty('attributes.cio_relationships');
    await cio.identify('1', { cio_relationships: { action: 'delete_relationships', relationships: [{ identifiers: acme }] } });
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:globex'] });
  });

  it('v2: adds the objects of the cio_relationships array', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.batch([{ ...identifyOp('2', { plan: 'team' }), cio_relationships: [{ identifiers: { cio_object_id: 'obj9' }, relationship_attributes: { seats: 3 } }] }]);
    expect(emulator.person('2')).toMatchObject({ relationships: ['cio:obj9'], relationshipAttributes: { 'cio:obj9': { seats: 3 } } });
  });

  it('refuses cio_relationships of the wrong shape, in v1 and v2', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    expect(await refused(cio.identify('1', { cio_relationships: [{ identifiers: acme }] }))).toEqual({
      status: 400,
      body: { meta: { errors: ['cio_relationships must be an object {action, relationships}'] } },
    });
    expect(await refused(cio.identify('1', { cio_relationships: { action: 'merge', relationships: [] } }))).toMatchObject({ status: 400 });
    const answer = await cio.batch([{ ...identifyOp('3'), cio_relationships: { identifiers: acme } }, { ...identifyOp('4'), cio_relationships: [{ identifiers: { object_id: 'acme' } }] }]);
    expectDeclaredAnswer('POST', '/api/v2/batch', 207, answer);
    expect(answer).toEqual({
      errors: [
        { batch_index: 0, reason: 'invalid', field: 'cio_relationships', message: 'cio_relationships must be an array' },
        { batch_index: 1, reason: 'invalid', field: 'cio_relationships[0].identifiers.object_type_id', message: 'cio_relationships[0].identifiers.object_type_id must be a string' },
      ],
    });
    expect(emulator.stats()).toMatchObject({ acceptedOperations: 0, sizes: { people: 0 } });
  });
});

describe('relationships from the object side', () => {
  const start = useEmulators();

  it('puts the object on every person it names, creating them, and takes it away again', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'one@example.com' });
    const answer = await send(emulator, 'POST', '/api/v2/entity', {
      type: 'object',
      action: 'identify',
      identifiers: acme,
      attributes: { name: 'Acme' },
      cio_relationships: [{ identifiers: { email: 'one@example.com' }, relationship_attributes: { role: 'admin' } }, { identifiers: { id: '2' } }],
    });
    expectDeclaredAnswer('POST', '/api/v2/entity', answer.status, answer.json);
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:acme'], relationshipAttributes: { '1:acme': { role: 'admin' } } });
    expect(emulator.person('2')).toMatchObject({ state: 'active', relationships: ['1:acme'] });

    await cio.batch([
      { type: 'object', action: 'add_relationships', identifiers: globex, cio_relationships: [{ identifiers: { id: '1' } }] },
      { type: 'object', action: 'delete_relationships', identifiers: acme, cio_relationships: [{ identifiers: { id: '2' } }] },
    ]);
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:acme', '1:globex'] });
    expect(emulator.person('2')).toMatchObject({ relationships: [] });

    // Deleting the object ends its relationships.
    await cio.entity({ type: 'object', action: 'delete', identifiers: acme });
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:globex'] });
  });

  it('holds relationships to the object limits: values of 1000 bytes, 300 attributes, person ids of 150 bytes', async () => {
    const emulator = await start();
    const relate = (entry: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', action: 'add_relationships', identifiers: acme, cio_relationships: [entry] });
    const many = Object.fromEntries(Array.from({ length: 301 }, (_, index) => [`a${index}`, index]));
    const answer = await trackClient(emulator).batch([
      relate({ identifiers: { id: '1' }, relationship_attributes: { note: 'x'.repeat(1000) } }),
      relate({ identifiers: { id: '2' }, relationship_attributes: { note: 'x'.repeat(1001) } }),
      relate({ identifiers: { id: '3' }, relationship_attributes: many }),
      relate({ identifiers: { id: 'i'.repeat(151) } }),
      relate({ identifiers: { id: '5', email: 'five@example.com' } }),
    ]);
    expectDeclaredAnswer('POST', '/api/v2/batch', 207, answer);
    expect(answer).toEqual({
      errors: [
        { batch_index: 1, reason: 'too_long', field: 'cio_relationships[0].relationship_attributes.note', message: "value for attribute 'note' cannot be longer than 1000 bytes" },
        { batch_index: 2, reason: 'too_many', field: 'cio_relationships[0].relationship_attributes', message: expect.stringContaining('has 301 attributes; at most 300') },
        { batch_index: 3, reason: 'too_long', field: 'cio_relationships[0].identifiers.id', message: 'cio_relationships[0].identifiers.id cannot be longer than 150 bytes' },
        { batch_index: 4, reason: 'invalid', field: 'cio_relationships[0].identifiers', message: expect.stringContaining('exactly one of id, email, cio_id') },
      ],
    });
    expect(emulator.person('1')).toMatchObject({ relationships: ['1:acme'] });
    expect(emulator.stats().sizes.people).toBe(1);
  });
});
