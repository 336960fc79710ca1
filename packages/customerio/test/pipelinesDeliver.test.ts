import {
  addDevice,
  codeOf,
  createEnvelope,
  deleteDevice,
  deletePerson,
  deliver,
  identify,
  identifyObject,
  merge,
  page,
  PipelineMetrics,
  screen,
  suppress,
  TokenBucket,
  track,
  type Envelope,
  type Operation,
  type Outcome,
} from '@cioscale/core';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PIPELINES_BATCH_MAX_BYTES } from '../src/index.js';
import { SECRET_KEY } from './helpers.js';
import { usePipelinesEmulator, WRITE_KEY } from './pipelinesHelpers.js';

function envelopesOf(operations: readonly Operation[], prefix = 'file'): Envelope<number>[] {
  return operations.map((operation, i) => createEnvelope(operation, { source: i, sourceKey: `${prefix}#${i}`, producedAt: 1_700_000_000_000 }));
}

function run(envelopes: readonly Envelope<number>[], send: Parameters<typeof deliver>[1]['transport'], extra: Partial<Parameters<typeof deliver>[1]> = {}): Promise<Outcome<number>[]> {
  return firstValueFrom(
    deliver(from(envelopes), { transport: send, concurrency: 2, batch: { maxOperations: 50, maxWaitMs: 5, maxBytes: PIPELINES_BATCH_MAX_BYTES }, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 10 }, ...extra }).pipe(toArray()),
  );
}

describe('core deliver() over the Pipelines transport into the emulator', () => {
  const { start, transport } = usePipelinesEmulator();

  it('delivers N operations as N ledger entries, every request in strict mode, timestamps as ISO-8601', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const operations = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? identify(`u${i}`, { n: i }, { timestamp: 1_700_000_000 + i }) : track(`u${i - 1}`, 'clicked', { n: i }, { timestamp: 1_700_000_100 })));
    const outcomes = await run(envelopesOf(operations), cio.send);
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(300);
    const stats = emulator.stats();
    expect(stats.sizes.people).toBe(150);
    expect(stats.sizes.events).toBe(150);
    const pipelines = emulator.pipelinesStats();
    expect(pipelines.acceptedCalls).toBe(300);
    expect(pipelines.requests).toBeGreaterThan(0);
    expect(pipelines.strictRequests).toBe(pipelines.requests);
    // the event's unix-seconds timestamp went out as ISO-8601 and came back as the same second
    expect(new Set(emulator.events({ name: 'clicked' }).map((event) => event.timestamp))).toEqual(new Set([1_700_000_100]));
    expect(emulator.person('u2')).toMatchObject({ state: 'active', attributes: { n: 2 } });
  });

  it('delivers every operation through 5xx, resets and hangs on the Pipelines port', async () => {
    const emulator = await start({ faults: { error500Rate: 0.1, error503Rate: 0.1, resetRate: 0.05, hangRate: 0.05, hangMs: 1_000 } });
    const cio = transport(emulator, { timeoutMs: 300 });
    const metrics = new PipelineMetrics();
    const operations = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? identify(`f${i}`, { n: i }) : track(`f${i - 1}`, 'clicked', { n: i })));
    const outcomes = await run(envelopesOf(operations, 'faults'), cio.send, { batch: { maxOperations: 10, maxWaitMs: 5 }, retry: { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 30 }, metrics });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(200);
    expect(emulator.pipelinesStats().faults).toBeGreaterThan(0);
    expect(metrics.snapshot().retries).toBeGreaterThan(0);
    expect(emulator.stats().sizes).toMatchObject({ people: 100, events: 100 });
  }, 20_000);

  it('isolates the entry the API refuses (400 in strict mode) by bisection and delivers the rest', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const operations: Operation[] = Array.from({ length: 16 }, (_, i) => identify(`p${i}`, { plan: 'pro' }));
    // local validation is off, as for data only Customer.io refuses: a 1,001-byte attribute value
    operations[11] = identify('p11', { bio: 'x'.repeat(1001) });
    const outcomes = await run(envelopesOf(operations), cio.send, { validate: false });
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.map((o) => o.envelope.source)).toEqual([11]);
    expect(rejected[0]).toMatchObject({ rejection: { message: expect.stringContaining('bio') } });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(15);
    expect(emulator.person('p11')).toEqual({ state: 'unknown' });
    const pipelines = emulator.pipelinesStats();
    // one batch of 16 refused, then halves and quarters until the bad entry was alone
    expect(pipelines.rejectedRequests).toBeGreaterThanOrEqual(4);
    expect(pipelines.silentlyDroppedRequests).toBe(0);
    expect(pipelines.acceptedCalls).toBe(15);
  });

  it('stops on a wrong write key (401) without a retry storm, and never shows the key', async () => {
    const emulator = await start();
    const cio = transport(emulator, { writeKey: SECRET_KEY.replace('SECRET', 'WRONG') });
    const error: unknown = await run(envelopesOf(Array.from({ length: 20 }, (_, i) => identify(`p${i}`))), cio.send).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(codeOf(error)).toBe('CIO_AUTH');
    expect(String((error as Error).message)).toContain('CUSTOMERIO_PIPELINES_WRITE_KEY');
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toMatch(/SECRET|WRONG/);
    expect(emulator.stats().sizes.people).toBe(0);
    // at most the requests already in flight when the first 401 came back
    expect(emulator.pipelinesStats().server.unauthorized).toBeLessThanOrEqual(2);
  });

  it('backs off on 429 (Retry-After) and still delivers everything once', async () => {
    const emulator = await start({ pipelines: { rate: 4, burst: 1, rateLimitMode: 'hard', writeKeys: { site: WRITE_KEY } } });
    const cio = transport(emulator);
    const metrics = new PipelineMetrics();
    const outcomes = await run(envelopesOf(Array.from({ length: 30 }, (_, i) => track(`p${i}`, 'viewed'))), cio.send, {
      batch: { maxOperations: 10, maxWaitMs: 1 },
      tokenSource: new TokenBucket({ rate: 50, burst: 10 }),
      metrics,
    });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(30);
    expect(emulator.pipelinesStats().rateLimited).toBeGreaterThan(0);
    expect(metrics.snapshot().rateLimited).toBeGreaterThan(0);
    expect(emulator.stats().sizes.events).toBe(30);
  }, 20_000);

  it('rejects oversize operations locally and never sends them; a body over 500 KB is split before sending', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const operations: Operation[] = [identify('small'), track('big', 'upload', { blob: 'y'.repeat(33_000) }), identify('small2')];
    // validate:false lets the 33 KB operation past core, to show the transport's own 32 KB entry check
    const outcomes = await run(envelopesOf(operations), cio.send, { validate: false });
    expect(outcomes.find((o) => o.envelope.source === 1)).toMatchObject({ status: 'rejected', rejection: { reason: 'entry_too_large', origin: 'local' } });
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(2);
    expect(emulator.pipelinesStats()).toMatchObject({ rejectedRequests: 0, silentlyDroppedRequests: 0, acceptedCalls: 2 });

    // 20 operations of ~30 KB: one Track-sized batch would be a ~600 KB Pipelines body
    const wide = Array.from({ length: 20 }, (_, i) => track(`w${i}`, 'wide', { blob: 'z'.repeat(29_000) }));
    const split = await run(envelopesOf(wide, 'wide'), cio.send, { batch: { maxOperations: 50, maxWaitMs: 5, maxBytes: 480_000 }, validate: false });
    expect(split.filter((o) => o.status === 'delivered')).toHaveLength(20);
    expect(emulator.pipelinesStats()).toMatchObject({ rejectedRequests: 0, acceptedCalls: 22 });
  });

  it('replaying the same envelopes is deduplicated by messageId', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const envelopes = envelopesOf(Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? identify(`r${i}`, { v: 1 }) : track(`r${i}`, 'bought', { i }))));
    await run(envelopes, cio.send);
    const replay = await run(envelopes, cio.send);
    expect(replay.filter((o) => o.status === 'delivered')).toHaveLength(30);
    const pipelines = emulator.pipelinesStats();
    expect(pipelines.acceptedCalls).toBe(30);
    expect(pipelines.duplicateMessages).toBe(30);
    expect(emulator.stats().sizes.events).toBe(20);
  });

  it('maps deletes, suppressions, devices, merges and objects to Pipelines calls, and rejects what has no equivalent', async () => {
    const emulator = await start();
    const cio = transport(emulator);
    const operations: Operation[] = [
      identify('keep', { plan: 'pro' }),
      addDevice('keep', 'tok-1', 'ios'),
      addDevice('keep', 'tok-2', 'android'),
      deleteDevice('keep', 'tok-2'),
      page('keep', 'https://example.com/pricing'),
      screen('keep', 'Settings'),
      identify('gone'),
      deletePerson('gone'),
      identify('quiet'),
      suppress('quiet'),
      identify('old', { legacy: true }),
      merge('keep', 'old'),
      { ...identifyObject('company', 'acme', { tier: 'gold' }), cio_relationships: [{ identifiers: { id: 'keep' } }] },
      identify({ phone: '+15555550100' }),
      identifyObject('company', 'lonely'),
    ];
    const outcomes = await run(envelopesOf(operations, 'map'), cio.send);
    const bySource = new Map(outcomes.map((o) => [o.envelope.source, o]));
    expect([13, 14].map((i) => bySource.get(i))).toMatchObject([
      { status: 'rejected', rejection: { reason: 'pipelines_unsupported', field: 'identifiers.phone', origin: 'local' } },
      { status: 'rejected', rejection: { reason: 'pipelines_unsupported', field: 'cio_relationships', origin: 'local' } },
    ]);
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(13);
    const keep = emulator.person('keep');
    expect(keep).toMatchObject({ state: 'active', relationships: ['company:acme'] });
    expect(keep.state === 'active' && keep.devices.map((d) => d.token)).toEqual(['tok-1']);
    expect(emulator.person('gone')).toEqual({ state: 'deleted' });
    expect(emulator.person('quiet')).toEqual({ state: 'suppressed' });
    expect(emulator.person('old').state).not.toBe('active');
    expect(emulator.events().map((e) => e.type)).toEqual(expect.arrayContaining(['page', 'screen']));
  });
});

describe('strict mode', () => {
  const { start, transport } = usePipelinesEmulator();

  it('without X-Strict-Mode the emulator answers an invalid batch 200 and drops it; the transport always sends the header', async () => {
    const emulator = await start();
    const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
    const invalid = { batch: [{ type: 'identify', userId: 'lost', traits: { bio: 'x'.repeat(1001) } }, { type: 'identify', userId: 'lost-too' }] };
    const loose = await fetch(`${emulator.pipelinesUrl}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(invalid) });
    expect(loose.status).toBe(200);
    expect(emulator.person('lost-too')).toEqual({ state: 'unknown' });
    expect(emulator.pipelinesStats()).toMatchObject({ silentlyDroppedRequests: 1, silentlyDroppedCalls: 2, acceptedCalls: 0 });

    const strict = await fetch(`${emulator.pipelinesUrl}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', 'x-strict-mode': '1' }, body: JSON.stringify(invalid) });
    expect(strict.status).toBe(400);

    // the same data through cioscale: the valid entry arrives, the invalid one is a rejection naming it
    const cio = transport(emulator);
    const outcomes = await lastValueFrom(
      deliver(from(envelopesOf([identify('lost', { bio: 'x'.repeat(1001) }), identify('lost-too')])), { transport: cio.send, validate: false, retry: { maxAttempts: 2 } }).pipe(toArray()),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['delivered', 'rejected']);
    expect(emulator.person('lost-too')).toMatchObject({ state: 'active' });
    const stats = emulator.pipelinesStats();
    expect(stats.requests - stats.strictRequests).toBe(1); // only the hand-written request above
    expect(stats.silentlyDroppedRequests).toBe(1);
  });
});
