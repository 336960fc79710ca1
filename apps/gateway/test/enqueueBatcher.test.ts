import type { EnqueueRequest } from '@cioscale/queue';
import { identify } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { EnqueueBatcher } from '../src/enqueueBatcher.js';

/** A producer whose writes the test lets land (or fail) one by one, so "in flight" is under its control. */
function heldProducer() {
  const writes: { requests: readonly EnqueueRequest[]; land: () => void; fail: (error: Error) => void }[] = [];
  const producer = {
    enqueueMany: (requests: readonly EnqueueRequest[]) =>
      new Promise<string[]>((resolve, reject) => writes.push({ requests, land: () => resolve(requests.map(() => 'id')), fail: reject })),
  };
  const accepted: number[] = [];
  const backlog = { beginWrite: async () => undefined, endWrite: (counts: ReadonlyMap<string, number>) => void accepted.push([...counts.values()].reduce((sum, n) => sum + n, 0)) };
  return { producer, backlog, writes, accepted };
}

const call = (person: string): EnqueueRequest[] => [{ operation: identify(person, { plan: 'pro' }), workspace: 'default' }];
/** Lets the event loop run the batcher's setImmediate and the promise callbacks. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Tracks whether each call's promise has settled, and how. */
function watch(promise: Promise<void>) {
  const state = { settled: 'pending' as 'pending' | 'ok' | 'failed' };
  promise.then(
    () => (state.settled = 'ok'),
    () => (state.settled = 'failed'),
  );
  return state;
}

describe('EnqueueBatcher', () => {
  it('at low load writes a lone call after the turn it arrived in, and answers it when that write lands', async () => {
    const { producer, backlog, writes } = heldProducer();
    const batcher = new EnqueueBatcher(producer, backlog);
    const lone = watch(batcher.enqueueMany(call('a')));
    await turn();
    expect(writes).toHaveLength(1);
    expect(lone.settled).toBe('pending');
    writes[0]?.land();
    await turn();
    expect(lone.settled).toBe('ok');
  });

  it('gathers the calls that arrive while a write is in flight into one next write; each call waits for its own', async () => {
    const { producer, backlog, writes, accepted } = heldProducer();
    const batcher = new EnqueueBatcher(producer, backlog);
    const first = watch(batcher.enqueueMany(call('first')));
    await turn();
    expect(writes).toHaveLength(1);
    // 200 concurrent calls over several turns while the first write is held
    const later: ReturnType<typeof watch>[] = [];
    for (let round = 0; round < 4; round++) {
      for (let index = 0; index < 50; index++) later.push(watch(batcher.enqueueMany(call(`p${round}-${index}`))));
      await turn();
    }
    expect(writes).toHaveLength(1);
    writes[0]?.land();
    await turn();
    await turn();
    expect(first.settled).toBe('ok');
    // the first write carried none of them: they are not answered before their own write lands
    expect(later.every((state) => state.settled === 'pending')).toBe(true);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.requests).toHaveLength(200);
    writes[1]?.land();
    await turn();
    expect(later.every((state) => state.settled === 'ok')).toBe(true);
    expect(accepted).toEqual([1, 200]);
  });

  it('fails every call of a failed write and only those', async () => {
    const { producer, backlog, writes, accepted } = heldProducer();
    const batcher = new EnqueueBatcher(producer, backlog);
    const first = watch(batcher.enqueueMany(call('first')));
    await turn();
    const carried = [watch(batcher.enqueueMany(call('b'))), watch(batcher.enqueueMany(call('c')))];
    writes[0]?.land();
    await turn();
    await turn();
    const afterwards = watch(batcher.enqueueMany(call('d')));
    writes[1]?.fail(new Error('Redis went away'));
    await turn();
    await turn();
    expect(first.settled).toBe('ok');
    expect(carried.map((state) => state.settled)).toEqual(['failed', 'failed']);
    // a call that arrived during the failed write goes out in a write of its own
    expect(afterwards.settled).toBe('pending');
    expect(writes).toHaveLength(3);
    expect(writes[2]?.requests).toHaveLength(1);
    writes[2]?.land();
    await turn();
    expect(afterwards.settled).toBe('ok');
    // the failed write counted nothing as accepted
    expect(accepted).toEqual([1, 0, 1]);
  });

  it('writes a full batch at once even beside a write in flight, and never more than maxOperations in one write', async () => {
    const { producer, backlog, writes } = heldProducer();
    const batcher = new EnqueueBatcher(producer, backlog, { maxOperations: 10 });
    void batcher.enqueueMany(call('first'));
    await turn();
    for (let index = 0; index < 25; index++) void batcher.enqueueMany(call(`p${index}`));
    await turn();
    expect(writes.map((write) => write.requests.length)).toEqual([1, 10, 10]);
    for (const write of writes) write.land();
    await turn();
    await turn();
    expect(writes.map((write) => write.requests.length)).toEqual([1, 10, 10, 5]);
  });
});
