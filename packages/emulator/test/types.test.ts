/**
 * Values the OpenAPI document's request schemas forbid are refused with 400 (207 in a batch) naming
 * the field, instead of being accepted and stored as sent.
 */
import { describe, expect, it } from 'vitest';
import { identifyOp, refused, send, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer } from './openapi.js';

describe('types the schemas forbid', () => {
  const start = useEmulators();

  it('v1 identify: created_at must be an integer, _update a boolean, and the body an object (not null)', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    expect(await refused(cio.identify('1', { created_at: '2024-01-01' }))).toEqual({
      status: 400,
      body: { meta: { errors: ['created_at must be an integer unix timestamp in seconds; received "2024-01-01"'] } },
    });
    expect(await refused(cio.identify('1', { _update: 'yes' }))).toEqual({ status: 400, body: { meta: { errors: ['_update must be true or false; received "yes"'] } } });
    const nullBody = await send(emulator, 'PUT', '/api/v1/customers/1', 'null');
    expect(nullBody).toMatchObject({ status: 400, json: { meta: { errors: ['request body must be a JSON object of attributes'] } } });
    // The identify operation declares no 400 at all; the v1 error shape is the one its siblings declare.
    expectDeclaredAnswer('POST', '/api/v1/customers/{identifier}/events', nullBody.status, nullBody.json);
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ rejectedOperations: 3, acceptedOperations: 0 });

    await cio.identify('1', { created_at: 1_700_000_000, _update: false, created_at_text: '2024-01-01' });
    expect(emulator.person('1')).toMatchObject({ attributes: { created_at: 1_700_000_000, created_at_text: '2024-01-01' } });
  });

  it('anonymous events: anonymous_id must be a string; events: a null body is refused', async () => {
    const emulator = await start();
    const anonymous = await send(emulator, 'POST', '/api/v1/events', { name: 'visited', anonymous_id: 12345 });
    expect(anonymous).toMatchObject({ status: 400, json: { meta: { errors: ['anonymous_id must be a string'] } } });
    expectDeclaredAnswer('POST', '/api/v1/events', anonymous.status, anonymous.json);
    const event = await send(emulator, 'POST', '/api/v1/customers/1/events', 'null');
    expect(event).toMatchObject({ status: 400, json: { meta: { errors: ['request body must be a JSON object'] } } });
    expect(emulator.events()).toEqual([]);
  });

  it('devices: attributes must be strings, in v1 and v2', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const v1 = await refused(cio.addDevice('1', 'tok', 'ios', { push_enabled: true }));
    expect(v1).toEqual({ status: 400, body: { meta: { errors: ['device.attributes.push_enabled must be a string; received true'] } } });
    expectDeclaredAnswer('PUT', '/api/v1/customers/{identifier}/devices', v1.status, v1.body);
    const v2 = await send(emulator, 'POST', '/api/v2/entity', { type: 'person', action: 'add_device', identifiers: { id: '1' }, device: { token: 'tok', platform: 'android', attributes: { app_version: 12 } } });
    expect(v2).toMatchObject({ status: 400, json: { errors: [{ reason: 'invalid', field: 'device.attributes.app_version' }] } });
    expectDeclaredAnswer('POST', '/api/v2/entity', v2.status, v2.json);
    await cio.addDevice('1', 'tok', 'ios', { push_enabled: 'true', app_version: '1.2' });
    expect(emulator.person('1')).toMatchObject({ devices: [{ token: 'tok', attributes: { push_enabled: 'true', app_version: '1.2' } }] });
  });

  it('v2 identify: _update must be a boolean', async () => {
    const emulator = await start();
    const answer = await trackClient(emulator).batch([identifyOp('1', { _update: 'yes' }), identifyOp('2', { _update: true }), identifyOp('3', { plan: 'pro' })]);
    expectDeclaredAnswer('POST', '/api/v2/batch', 207, answer);
    expect(answer).toEqual({ errors: [{ batch_index: 0, reason: 'invalid', field: 'attributes._update', message: 'attributes._update must be true or false; received "yes"' }] });
    expect(emulator.stats()).toMatchObject({ acceptedOperations: 2, ignoredOperations: 1, sizes: { people: 1 } });
  });
});
