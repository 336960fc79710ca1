import { NEVER, of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError, deliver, sendBatches, type DeliverOptions, type SendBatchesOptions, type Transport } from '../src/index.js';

const transport: Transport = () => of({ status: 200, errors: [] });

/** Options that cannot work, each with the name the error must give. */
const badSendOptions: [string, SendBatchesOptions][] = [
  ['concurrency', { concurrency: 0 }],
  ['concurrency', { concurrency: 1.5 }],
  ['scheduler', { scheduler: {} as never }],
  ['tokenSource', { tokenSource: { take: () => of(1) } as never }],
  ['metrics', { metrics: {} as never }],
  ['retry', { retry: 3 as never }],
  ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
  ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
  ['retry.maxDelayMs', { retry: { maxDelayMs: Number.POSITIVE_INFINITY } }],
  ['retry.maxElapsedMs', { retry: { maxElapsedMs: Number.NaN } }],
  ['retry.random', { retry: { random: 0.5 as never } }],
  ['retry.isRetryable', { retry: { isRetryable: true as never } }],
  ['retry.onRetry', { retry: { onRetry: 'log' as never } }],
  ['retry.scheduler', { retry: { scheduler: {} as never } }],
];

describe('sendBatches option validation', () => {
  it.each(badSendOptions)('throws naming %s when the operator is created, before any batch', (name, options) => {
    const send = vi.fn(transport);
    const create = () => sendBatches(send, options);
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`option "${name}"`);
    expect(send).not.toHaveBeenCalled();
  });

  it('names a transport that is not a function', () => {
    expect(() => sendBatches(undefined as never)).toThrow('option "transport"');
  });

  it('carries the option, what it expects and what it received on the error', () => {
    const error = captured(() => sendBatches(transport, { retry: { maxAttempts: 0 } }));
    expect(error).toMatchObject({ code: 'CIO_CONFIG', setting: 'retry.maxAttempts', expected: 'an integer ≥ 1', received: '0' });
  });
});

describe('deliver option validation', () => {
  it.each<[string, Partial<DeliverOptions>]>([
    ...badSendOptions.map(([name, options]): [string, Partial<DeliverOptions>] => [name, options as Partial<DeliverOptions>]),
    ['validate', { validate: 'yes' as never }],
    ['batch.maxBytes', { batch: { maxBytes: 13 } }],
    ['batch.maxOperations', { batch: { maxOperations: 0 } }],
    ['batch.maxWaitMs', { batch: { maxWaitMs: -1 } }],
  ])('throws naming %s when deliver() is called, before anything is subscribed', (name, options) => {
    const send = vi.fn(transport);
    const create = () => deliver(NEVER, { transport: send, ...options });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`option "${name}"`);
    expect(send).not.toHaveBeenCalled();
  });

  it('names a missing transport', () => {
    expect(() => deliver(NEVER, {} as DeliverOptions)).toThrow('option "transport"');
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
