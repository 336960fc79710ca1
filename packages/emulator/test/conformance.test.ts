/**
 * Every operation of the official Track OpenAPI document, driven through the unmodified official
 * client: the answer's status is one the document declares and its body matches the document's
 * response schema, and the ledger shows the operation's effect.
 */
import { IdentifierType } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { answered, eventOp, identifyOp, refused, trackClient, useEmulators } from './helpers.js';
import { expectDeclaredAnswer, trackOperations } from './openapi.js';

describe('coverage of the Track OpenAPI document', () => {
  const start = useEmulators();

  it('serves all 18 operations of the document through customerio-node, with declared answers', async () => {
    const emulator = await start({ workspaces: ['site:key', 'second:key2'] });
    const cio = trackClient(emulator);
    const served = new Set<string>();
    const check = async (method: string, path: string, call: () => Promise<unknown>): Promise<unknown> => {
      const { status, body } = await answered(emulator, call);
      expectDeclaredAnswer(method, path, status, body);
      served.add(`${method} ${path}`);
      return body;
    };

    await check('PUT', '/api/v1/customers/{identifier}', () => cio.identify('42', { email: 'ada@example.com', plan: 'pro' }));
    await check('POST', '/api/v1/customers/{identifier}/events', () => cio.track('42', { name: 'purchase', data: { price: 23.45 } }));
    await check('POST', '/api/v1/events', () => cio.trackAnonymous('cookie-1', { name: 'visited' }));
    await check('PUT', '/api/v1/customers/{identifier}/devices', () => cio.addDevice('42', 'tok-1', 'ios', { app_version: '1.2' }));
    await check('DELETE', '/api/v1/customers/{identifier}/devices/{device_id}', () => cio.deleteDevice('42', 'tok-1'));
    await check('GET', '/api/v1/accounts/region', () => cio.getAccountRegion());
    await check('POST', '/api/v1/segments/{segment_id}/add_customers', () => cio.addCustomersToSegment(7, ['42']));
    await check('POST', '/api/v1/segments/{segment_id}/remove_customers', () => cio.removeCustomersFromSegment(8, ['ada@example.com'], IdentifierType.Email));
    await check('POST', '/api/v1/forms/{form_id}/submit', () => cio.submitForm('contact', { email: 'grace@example.com', message: 'hello' }));
    await check('POST', '/api/v1/metrics', () => cio.reportMetric({ delivery_id: 'dlv-1', metric: 'clicked', href: 'https://example.com' }));
    await check('POST', '/api/v1/push/events', () => cio.trackPush({ delivery_id: 'dlv-2', event: 'opened', device_id: 'tok-1', timestamp: 1_700_000_000 }));
    await check('POST', '/unsubscribe/{delivery_id}', () => cio.unsubscribe('dlv-1'));
    await check('POST', '/api/v2/entity', () => cio.entity(identifyOp('43', { plan: 'team' })));
    await check('POST', '/api/v2/batch', () => cio.batch([identifyOp('44'), eventOp('44', 'login')]));
    await check('POST', '/api/v1/merge_customers', () => cio.mergeCustomers(IdentifierType.Id, '42', IdentifierType.Id, '44'));
    await check('POST', '/api/v1/customers/{identifier}/suppress', () => cio.suppress('43'));
    await check('POST', '/api/v1/customers/{identifier}/unsuppress', () => cio.unsuppress('43'));
    await check('DELETE', '/api/v1/customers/{identifier}', () => cio.destroy('42'));

    expect([...served].sort()).toEqual(trackOperations().map(({ method, path }) => `${method} ${path}`).sort());
    expect(served.size).toBe(18);
    expect(emulator.stats()).toMatchObject({
      rejectedOperations: 0,
      statuses: { 200: 17, 204: 1 },
      operations: { segment_add: 1, segment_remove: 1, form_submit: 1, metric: 1, push_metric: 1, unsubscribe: 1 },
    });
  });

  it('answers the account region with the URL and environment of the workspace the key belongs to', async () => {
    const emulator = await start({ workspaces: ['site:key', 'second:key2'] });
    const { status, body } = await answered(emulator, () => trackClient(emulator, 'second', 'key2').getAccountRegion(), 'second');
    expect(status).toBe(200);
    expect(body).toEqual({ url: 'https://track.customer.io', region: 'us', environment_id: 2 });
    expectDeclaredAnswer('GET', '/api/v1/accounts/region', status, body);
  });
});

describe('manual segments', () => {
  const start = useEmulators();

  it('adds and removes existing people by id, email or cio_id, and never creates anyone', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    await cio.identify('1', { email: 'one@example.com' });
    await cio.identify('2', {});
    await cio.addCustomersToSegment(5, ['1', '2', 'nobody']);
    await cio.addCustomersToSegment(6, ['one@example.com'], IdentifierType.Email);
    expect(emulator.person('1')).toMatchObject({ segments: [5, 6] });
    expect(emulator.person('2')).toMatchObject({ segments: [5] });
    expect(emulator.person('nobody')).toEqual({ state: 'unknown' });

    const two = emulator.person('2');
    if (two.state !== 'active') throw new Error('expected person 2');
    await cio.removeCustomersFromSegment(5, [`cio_${two.cioId}`], IdentifierType.CioId);
    await cio.removeCustomersFromSegment(5, ['1']);
    expect(emulator.person('1')).toMatchObject({ segments: [6] });
    expect(emulator.person('2')).toMatchObject({ segments: [] });
  });

  it('refuses more than 1000 ids, a segment id that is not an integer and an unknown id_type, in the v1 format', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const tooMany = await refused(cio.addCustomersToSegment(5, Array.from({ length: 1001 }, (_, index) => String(index))));
    expect(tooMany).toEqual({ status: 400, body: { meta: { errors: ['ids has 1001 identifiers; at most 1000 are allowed per request'] } } });
    expectDeclaredAnswer('POST', '/api/v1/segments/{segment_id}/add_customers', 400, tooMany.body);
    expect(await refused(cio.addCustomersToSegment('vip', ['1']))).toEqual({ status: 400, body: { meta: { errors: ['segment_id must be an integer; received "vip"'] } } });
    const raw = await fetch(`${emulator.url}/api/v1/segments/5/add_customers?id_type=phone`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('site:key').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['+15550100'] }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ meta: { errors: ['id_type must be one of id, email, cio_id; received "phone"'] } });
    expect(emulator.stats()).toMatchObject({ rejectedOperations: 3, acceptedOperations: 0 });
  });
});

describe('form submissions', () => {
  const start = useEmulators();

  it('answers 204 and identifies the respondent with the form fields, ignoring the reserved form_ keys', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const { status, body } = await answered(emulator, () => cio.submitForm('newsletter', { email: 'Ada@Example.com', first_name: 'Ada', form_name: 'ignored' }));
    expect(status).toBe(204);
    expect(body).toEqual({});
    expect(emulator.person('ada@example.com')).toMatchObject({ identifiers: { email: 'Ada@Example.com' }, attributes: { email: 'Ada@Example.com', first_name: 'Ada' } });
    expect(emulator.person('ada@example.com')).not.toHaveProperty('attributes.form_name');
  });

  it('refuses a submission without an id or email, or with a field that is not a string', async () => {
    const emulator = await start();
    const cio = trackClient(emulator);
    const missing = await refused(cio.submitForm('f', { email_address: 'a@b.co' }));
    expect(missing).toEqual({ status: 400, body: { meta: { errors: ['data must contain an id or an email to identify the respondent'] } } });
    expectDeclaredAnswer('POST', '/api/v1/forms/{form_id}/submit', 400, missing.body);
    expect(await refused(cio.submitForm('f', { email: 'a@b.co', seats: 3 }))).toEqual({ status: 400, body: { meta: { errors: ['data.seats must be a string; received 3'] } } });
    expect(emulator.stats().sizes.people).toBe(0);
  });
});

describe('delivery metrics and unsubscribes', () => {
  const start = useEmulators();

  it('records metrics from /metrics, /push/events and v2 delivery operations, and unsubscribes, without an API key', async () => {
    const emulator = await start();
    const noKey = trackClient(emulator, 'site', 'not-the-key');
    await noKey.reportMetric({ delivery_id: 'dlv-1', metric: 'opened', timestamp: 1_700_000_000 });
    await noKey.trackPush({ delivery_id: 'dlv-1', event: 'delivered', device_id: 'tok', timestamp: 1_700_000_100 });
    await trackClient(emulator).entity({ type: 'delivery', action: 'event', identifiers: { id: 'dlv-1' }, name: 'converted', timestamp: 1_700_000_200, attributes: { device_token: 'tok' } });
    await noKey.unsubscribe('dlv-1');
    expect(emulator.delivery('dlv-1')).toEqual({
      deliveryId: 'dlv-1',
      metrics: [
        { metric: 'opened', source: 'metrics', timestamp: 1_700_000_000 },
        { metric: 'delivered', source: 'push_events', timestamp: 1_700_000_100 },
        { metric: 'converted', source: 'v2', timestamp: 1_700_000_200 },
      ],
      unsubscribed: true,
    });
    await noKey.unsubscribe('dlv-1', false);
    expect(emulator.delivery('dlv-1')).toMatchObject({ unsubscribed: false });
    expect(emulator.stats()).toMatchObject({ operations: { metric: 1, push_metric: 1, delivery_event: 1, unsubscribe: 2 }, sizes: { deliveries: 1 }, server: { unauthorized: 0 } });
  });

  it('refuses a metric the schema does not list, and an unsubscribe without Content-Type: application/json', async () => {
    const emulator = await start();
    expect(await refused(trackClient(emulator).reportMetric({ delivery_id: 'dlv-1', metric: 'liked' }))).toEqual({
      status: 400,
      body: { meta: { errors: ['metric must be one of bounced, clicked, converted, deferred, delivered, dropped, opened, spammed; received "liked"'] } },
    });
    const plain = await fetch(`${emulator.url}/unsubscribe/dlv-1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"unsubscribe":true}' });
    expect(plain.status).toBe(400);
    expectDeclaredAnswer('POST', '/unsubscribe/{delivery_id}', plain.status, await plain.json());
    expect(emulator.delivery('dlv-1')).toBeUndefined();
  });
});
