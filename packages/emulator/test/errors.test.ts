import { connect } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { basicAuth, identifyOp, send, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer } from './openapi.js';

describe('401 on missing or wrong Basic auth', () => {
  const start = useEmulators();

  it('answers 401 in the v1 and v2 formats and counts no workspace request', async () => {
    const emulator = await start({ workspaces: ['site:key', 'other:key2'] });
    const noAuth = await send(emulator, 'PUT', '/api/v1/customers/1', {}, {});
    expect(noAuth.status).toBe(401);
    expect(noAuth.json).toEqual({ meta: { errors: [expect.stringContaining('unauthorized')] } });

    const wrongKey = await send(emulator, 'POST', '/api/v2/entity', identifyOp('1'), { authorization: basicAuth('site', 'nope') });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.json).toEqual({ errors: [{ reason: 'unauthorized', field: 'authorization', message: expect.any(String) }] });

    // Another workspace's key does not open this one.
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {}, { authorization: basicAuth('site', 'key2') })).status).toBe(401);
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {}, { authorization: 'Bearer key' })).status).toBe(401);
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {}, { authorization: 'Basic !!!' })).status).toBe(401);
    expect(emulator.stats()).toMatchObject({ requests: 0, server: { unauthorized: 5 } });
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
  });

  it('never repeats the API key in an answer', async () => {
    const emulator = await start({ workspaces: ['site:super-secret-key'] });
    const answer = await send(emulator, 'PUT', '/api/v1/customers/1', {}, { authorization: basicAuth('site', 'super-secret-key-wrong') });
    expect(JSON.stringify(answer.json)).not.toContain('super-secret');
  });
});

describe('400 in the v1 format', () => {
  const start = useEmulators();

  it('refuses a body that is not JSON', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'PUT', '/api/v1/customers/1', '{"plan":');
    expect(answer).toMatchObject({ status: 400, json: { meta: { errors: ['request body is not valid JSON'] } } });
    expect(emulator.stats().rejectedRequests).toBe(1);
  });

  it('refuses an attribute value over 1000 UTF-8 bytes, counting bytes rather than characters', async () => {
    const emulator = await start();
    // '€' is 3 bytes in UTF-8: 333 of them are 999 bytes, 334 are 1002.
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', { bio: '€'.repeat(333) })).status).toBe(200);
    const answer = await send(emulator, 'PUT', '/api/v1/customers/1', { bio: '€'.repeat(334) });
    expect(answer).toEqual(expect.objectContaining({ status: 400, json: { meta: { errors: ["value for attribute 'bio' cannot be longer than 1000 bytes"] } } }));
    expect(emulator.person('1')).toMatchObject({ attributes: { bio: '€'.repeat(333) } });
    expect(emulator.stats().rejectedOperations).toBe(1);
  });

  it('refuses more than 300 attributes in one call and attribute names over 150 bytes', async () => {
    const emulator = await start();
    const attributes = (count: number): Record<string, number> => Object.fromEntries(Array.from({ length: count }, (_, index) => [`a${index}`, index]));
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', attributes(300))).status).toBe(200);
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', attributes(301))).json).toEqual({ meta: { errors: [expect.stringContaining('at most 300')] } });
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', { ['n'.repeat(150)]: 1 })).status).toBe(200);
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', { ['n'.repeat(151)]: 1 })).status).toBe(400);
  });

  it('refuses identifiers over 150 bytes and event names over 100 bytes', async () => {
    const emulator = await start();
    expect((await send(emulator, 'PUT', `/api/v1/customers/${'i'.repeat(150)}`, {})).status).toBe(200);
    expect((await send(emulator, 'PUT', `/api/v1/customers/${'i'.repeat(151)}`, {})).json).toEqual({ meta: { errors: ['identifier cannot be longer than 150 bytes'] } });
    expect((await send(emulator, 'POST', '/api/v1/customers/1/events', { name: 'e'.repeat(100) })).status).toBe(200);
    expect((await send(emulator, 'POST', '/api/v1/customers/1/events', { name: 'é'.repeat(51) })).json).toEqual({ meta: { errors: ['event name cannot be longer than 100 bytes'] } });
    expect((await send(emulator, 'POST', '/api/v1/events', { data: {} })).json).toEqual({ meta: { errors: ['event name is required'] } });
  });

  it('refuses event data over 100,000 bytes and a device without a known platform', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v1/customers/1/events', { name: 'big', data: { blob: 'x'.repeat(100_000) } });
    expect(answer.json).toEqual({ meta: { errors: ['event data cannot be longer than 100000 bytes'] } });
    const device = await send(emulator, 'PUT', '/api/v1/customers/1/devices', { device: { id: 'tok', platform: 'windows' } });
    expect(device.status).toBe(400);
  });

  it('answers a bad merge in the merge format, meta.error', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v1/merge_customers', { primary: { id: '1' } });
    expect(answer).toMatchObject({ status: 400, json: { meta: { error: expect.stringContaining('secondary') } } });
  });
});

describe('400 in the v2 format', () => {
  const start = useEmulators();

  it('refuses an invalid entity with errors[{reason, field, message}]', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v2/entity', { type: 'person', action: 'event', identifiers: { id: '1' } });
    expect(answer).toEqual(expect.objectContaining({ status: 400, json: { errors: [{ reason: 'required', field: 'name', message: 'event name is required' }] } }));
  });

  it('refuses two identifiers at once', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v2/entity', { ...identifyOp('1'), identifiers: { id: '1', email: 'a@b.co' } });
    expect(answer).toMatchObject({ status: 400, json: { errors: [{ reason: 'invalid', field: 'identifiers' }] } });
  });

  it('refuses a batch that is not a non-empty array, or not JSON', async () => {
    const emulator = await start();
    for (const body of [{ batch: 'nope' }, { batch: [] }, [identifyOp('1')], 'not json']) {
      const answer = await send(emulator, 'POST', '/api/v2/batch', body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errors: [{ reason: expect.any(String), field: expect.any(String), message: expect.any(String) }] });
    }
    expect(emulator.stats()).toMatchObject({ rejectedRequests: 4, acceptedOperations: 0 });
  });
});

describe('207 partial success', () => {
  const start = useEmulators();

  it('applies the valid operations and lists each refused one by batch_index', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v2/batch', {
      batch: [
        identifyOp('1', { plan: 'pro' }),
        identifyOp('2', { bio: 'x'.repeat(1001) }),
        { type: 'person', action: 'event', identifiers: { id: '1' }, name: 'n'.repeat(101) },
        { type: 'object', action: 'identify', identifiers: { object_type_id: '1', object_id: 'acme' }, attributes: { name: 'Acme' } },
        { type: 'person', action: 'teleport', identifiers: { id: '1' } },
      ],
    });
    expect(answer.status).toBe(207);
    expect(answer.json).toEqual({
      errors: [
        { batch_index: 1, reason: 'too_long', field: 'attributes.bio', message: "value for attribute 'bio' cannot be longer than 1000 bytes" },
        { batch_index: 2, reason: 'too_long', field: 'name', message: 'event name cannot be longer than 100 bytes' },
        { batch_index: 4, reason: 'invalid', field: 'action', message: 'unknown person action "teleport"' },
      ],
    });
    expect(emulator.person('1')).toMatchObject({ attributes: { plan: 'pro' } });
    expect(emulator.person('2')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ acceptedOperations: 2, rejectedOperations: 3, operations: { identify: 1, object_identify: 1 } });
  });
});

/** An identify operation whose JSON text is exactly `bytes` long. */
function operationOfBytes(id: string, bytes: number): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  const operation = identifyOp(id, attributes);
  for (let index = 0; JSON.stringify(operation).length < bytes; index++) {
    const missing = bytes - JSON.stringify(operation).length;
    const overhead = `,"a${index}":""`.length;
    attributes[`a${index}`] = 'x'.repeat(Math.max(0, Math.min(1000, missing - overhead)));
  }
  return operation;
}

describe('request and operation size limits (a kilobyte is 1,024 bytes; oversize v2 requests get 400)', () => {
  const start = useEmulators();

  it('refuses a batch body of 500 KB (512,000 bytes) or more with 400 and accepts one byte less', async () => {
    const emulator = await start();
    const body = JSON.stringify({ batch: [identifyOp('1')] });
    const padded = (size: number): string => body + ' '.repeat(size - Buffer.byteLength(body));
    const fits = await send(emulator, 'POST', '/api/v2/batch', padded(511_999));
    expect(fits.status).toBe(200);
    expectDeclaredAnswer('POST', '/api/v2/batch', fits.status, fits.json);
    const tooLarge = await send(emulator, 'POST', '/api/v2/batch', padded(512_000));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.json).toEqual({ errors: [{ reason: 'too_large', field: 'body', message: 'request body is 512000 bytes; this endpoint accepts at most 511999' }] });
    expectDeclaredAnswer('POST', '/api/v2/batch', tooLarge.status, tooLarge.json);
    expect(emulator.stats()).toMatchObject({ acceptedOperations: 1, rejectedRequests: 1, statuses: { 200: 1, 400: 1 } });
  });

  it('refuses an entity body of 32 KB (32,768 bytes) or more with 400', async () => {
    const emulator = await start();
    const body = JSON.stringify(identifyOp('1'));
    expect((await send(emulator, 'POST', '/api/v2/entity', body + ' '.repeat(32_767 - body.length))).status).toBe(200);
    const tooLarge = await send(emulator, 'POST', '/api/v2/entity', body + ' '.repeat(32_768 - body.length));
    expect(tooLarge).toMatchObject({ status: 400, json: { errors: [{ reason: 'too_large', field: 'body' }] } });
    expectDeclaredAnswer('POST', '/api/v2/entity', tooLarge.status, tooLarge.json);
  });

  it('keeps 413 for the emulator’s own v1 guard of 1,000,000 bytes, in the v1 format', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'PUT', '/api/v1/customers/1', `{}${' '.repeat(1_000_000)}`);
    expect(answer).toMatchObject({ status: 413, json: { meta: { errors: [expect.stringContaining('at most 1000000')] } } });
  });

  it('refuses a body far over the cap without reading it, and closes that connection', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/api/v2/entity', `{}${' '.repeat(3_000_000)}`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('answers 207 for a batch operation over 32 KB and accepts one of exactly 32,768 bytes', async () => {
    const emulator = await start();
    const fits = operationOfBytes('fits', 32_768);
    const over = operationOfBytes('over', 32_769);
    expect(JSON.stringify(fits).length).toBe(32_768);
    expect(JSON.stringify(over).length).toBe(32_769);
    const answer = await trackClient(emulator).batch([fits, over, identifyOp('small')]);
    expect(answer).toEqual({ errors: [{ batch_index: 1, reason: 'too_large', field: 'operation', message: 'operation is 32769 bytes; each operation must be 32768 bytes or smaller' }] });
    expectDeclaredAnswer('POST', '/api/v2/batch', 207, answer);
    expect(emulator.person('fits').state).toBe('active');
    expect(emulator.person('over').state).toBe('unknown');
    expect(emulator.person('small').state).toBe('active');
  });
});

describe('clients that go away', () => {
  const start = useEmulators();

  it('survives a client that disconnects in the middle of a body, and answers the next one', async () => {
    const emulator = await start();
    const socket = connect(emulator.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST /api/v2/batch HTTP/1.1\r\nhost: x\r\nauthorization: ${basicAuth()}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"batch":[`);
    // Wait until the emulator has admitted the request, then cut the connection mid-body.
    while (emulator.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
    expect((await send(emulator, 'POST', '/api/v2/batch', { batch: [identifyOp('1')] })).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ requests: 2, statuses: { 200: 1 }, acceptedOperations: 1 });
  });
});

describe('unknown routes', () => {
  const start = useEmulators();

  it('answers 404 for a path or method the Track API does not have', async () => {
    const emulator = await start();
    expect((await send(emulator, 'GET', '/api/v1/customers/1')).status).toBe(404);
    expect((await send(emulator, 'POST', '/api/v2/nothing', {})).status).toBe(404);
    expect((await send(emulator, 'GET', '/')).status).toBe(404);
    expect(emulator.stats().server.notFound).toBe(3);
  });
});
