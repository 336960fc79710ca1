/**
 * People as Customer.io keeps them: an identifier nobody has yet joins the person a body identifier
 * already names, suppression and unsuppression cover every identifier of the person, and a merge
 * moves only the secondary's most recent 30 days of events.
 */
import { IdentifierType } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { answered, identifyOp, send, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer } from './openapi.js';

describe('identify with an identifier that belongs to someone else', () => {
  const start = useEmulators();

  it('gives a new id to the person who already has the email, instead of creating a second person (v1)', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'ada@example.com', plan: 'free' });
    const { status, body } = await answered(emulator, () => cio.identify('2', { email: 'ada@example.com', plan: 'pro' }));
    expectDeclaredAnswer('PUT', '/api/v1/customers/{identifier}', status, body);

    expect(emulator.stats().sizes.people).toBe(1);
    expect(emulator.person('2')).toMatchObject({ state: 'active', identifiers: { id: '2', email: 'ada@example.com' }, attributes: { plan: 'pro' } });
    // "The existing person gets the new id": the old one no longer names anybody.
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
    expect(emulator.person('ada@example.com')).toEqual(emulator.person('2'));
  });

  it('gives an unknown email in the path to the person whose id is in the body (v2)', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.entity(identifyOp('7', { plan: 'team' }));
    await cio.entity({ type: 'person', action: 'identify', identifiers: { email: 'grace@example.com' }, attributes: { id: '7', city: 'Arlington' } });
    expect(emulator.stats().sizes.people).toBe(1);
    expect(emulator.person('grace@example.com')).toMatchObject({ identifiers: { id: '7', email: 'grace@example.com' }, attributes: { plan: 'team', city: 'Arlington' } });
  });

  it('still creates a person when the body identifiers belong to nobody, and leaves two existing people apart', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'one@example.com' });
    await cio.identify('2', { email: 'two@example.com' });
    await cio.identify('3', { email: 'three@example.com' });
    // Both identifiers exist on different people: Customer.io answers 200 with an "Attribute Update Failure".
    await cio.identify('1', { email: 'two@example.com' });
    expect(emulator.stats().sizes.people).toBe(3);
    expect(emulator.person('1')).toMatchObject({ identifiers: { id: '1', email: 'one@example.com' } });
    expect(emulator.person('two@example.com')).toMatchObject({ identifiers: { id: '2' } });
  });
});

describe('suppression covers every identifier of the person', () => {
  const start = useEmulators();

  it('unsuppressing by id frees the email too, and the next identify creates a new profile', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'ada@example.com', plan: 'pro' });
    await cio.suppress('ada@example.com');
    expect(emulator.person('1')).toEqual({ state: 'suppressed' });
    expect(emulator.person('ada@example.com')).toEqual({ state: 'suppressed' });
    expect(emulator.stats().sizes.suppressed).toBe(3);

    const { status, body } = await answered(emulator, () => cio.unsuppress('1'));
    expectDeclaredAnswer('POST', '/api/v1/customers/{identifier}/unsuppress', status, body);
    expect(emulator.stats().sizes.suppressed).toBe(0);
    await cio.identify('ada@example.com', { plan: 'free' });
    // "Unsuppressing a profile does not recreate the profile": none of the old history comes back.
    expect(emulator.person('ada@example.com')).toMatchObject({ state: 'active', identifiers: { email: 'ada@example.com' }, attributes: { plan: 'free' } });
    expect(emulator.person('ada@example.com')).not.toHaveProperty('identifiers.id');
    await cio.identify('1', {});
    expect(emulator.person('1')).toMatchObject({ state: 'active' });
  });
});

describe('merge', () => {
  const start = useEmulators();

  it('moves only the events of the secondary from the most recent 30 days', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const now = Math.floor(Date.now() / 1000);
    const day = 24 * 60 * 60;
    await cio.identify('primary', { plan: 'pro' });
    await cio.track('secondary', { name: 'recent', timestamp: now - 2 * day });
    await cio.track('secondary', { name: 'just_inside', timestamp: now - 29 * day });
    await cio.track('secondary', { name: 'too_old', timestamp: now - 31 * day });
    await cio.track('secondary', { name: 'received_now' });
    expect(emulator.stats().sizes.events).toBe(4);

    const { status, body } = await answered(emulator, () => cio.mergeCustomers(IdentifierType.Id, 'primary', IdentifierType.Id, 'secondary'));
    expectDeclaredAnswer('POST', '/api/v1/merge_customers', status, body);
    expect(emulator.events({ person: 'primary' }).map((event) => event.name)).toEqual(['recent', 'just_inside', 'received_now']);
    expect(emulator.person('primary')).toMatchObject({ eventCount: 3 });
    expect(emulator.person('secondary')).toEqual({ state: 'deleted' });
    expect(emulator.stats().sizes.events).toBe(3);
  });

  it('takes the secondary’s segments and relationships too (v2 merge)', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('a', {});
    await cio.identify('b', {});
    await cio.addCustomersToSegment(3, ['b']);
    await cio.entity({ type: 'person', action: 'add_relationships', identifiers: { id: 'b' }, cio_relationships: [{ identifiers: { object_type_id: '1', object_id: 'acme' }, relationship_attributes: { role: 'admin' } }] });
    const answer = await send(emulator, 'POST', '/api/v2/entity', { type: 'person', action: 'merge', primary: { id: 'a' }, secondary: { id: 'b' } });
    expectDeclaredAnswer('POST', '/api/v2/entity', answer.status, answer.json);
    expect(emulator.person('a')).toMatchObject({ segments: [3], relationships: ['1:acme'], relationshipAttributes: { '1:acme': { role: 'admin' } } });
  });
});
