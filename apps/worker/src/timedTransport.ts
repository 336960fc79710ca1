import { TransportError, type Transport } from '@cioscale/core';
import { defer, from, take, tap } from 'rxjs';

/** Wraps a transport so every request's latency and result reach the Prometheus metrics. */
export function timedTransport(send: Transport, report: (seconds: number, result: 'ok' | 'rate_limited' | 'error') => void): Transport {
  return (batch) =>
    defer(() => {
      const startedAt = performance.now();
      const seconds = (): number => (performance.now() - startedAt) / 1000;
      return from(send(batch)).pipe(
        take(1),
        tap({
          next: () => report(seconds(), 'ok'),
          error: (error: unknown) => report(seconds(), error instanceof TransportError && error.kind === 'rate_limited' ? 'rate_limited' : 'error'),
        }),
      );
    });
}
