import { Observable } from 'rxjs';
import { InvalidOptionError } from './errors.js';

/** A source that reads only while the consumer keeps up; see {@link createPullSource}. */
export interface PullSource<T> {
  /** The values, read on demand. Subscribe once. */
  readonly values: Observable<T>;
  /** Tells the source `count` values are finished (acknowledged); it may read that many more. */
  release(count?: number): void;
  /** Values emitted and not yet released. */
  readonly pending: number;
}

/**
 * Turns an (async) iterable into an Observable that keeps at most `highWaterMark` values
 * un-released. RxJS pushes; a million-row file must be pulled, so memory is bounded by the window,
 * never by the input.
 *
 * @param iterable - rows, jobs, envelopes… read lazily
 * @param options.highWaterMark - values emitted and not yet released before reading pauses; @defaultValue 10_000
 * @example
 * const source = createPullSource(readRows(file), { highWaterMark: 5000 });
 * deliver(source.values.pipe(map(toEnvelope)), options).pipe(tap(() => source.release()))
 */
export function createPullSource<T>(iterable: AsyncIterable<T> | Iterable<T>, options: { highWaterMark?: number } = {}): PullSource<T> {
  const highWaterMark = options.highWaterMark ?? 10_000;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new InvalidOptionError('highWaterMark', 'an integer ≥ 1', highWaterMark);
  let pending = 0;
  let wake: (() => void) | undefined;

  const values = new Observable<T>((subscriber) => {
    const iterator = Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
    let stopped = false;
    void (async () => {
      try {
        while (!stopped) {
          if (pending >= highWaterMark) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          const result = await iterator.next();
          if (stopped) return;
          if (result.done) return subscriber.complete();
          pending += 1;
          subscriber.next(result.value);
        }
      } catch (error) {
        subscriber.error(error);
      }
    })();
    return () => {
      stopped = true;
      wake?.();
      // Close the file / cursor behind the iterator when the consumer goes away early.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    };
  });

  return {
    values,
    release(count = 1) {
      pending = Math.max(0, pending - count);
      if (pending < highWaterMark && wake) {
        const resume = wake;
        wake = undefined;
        resume();
      }
    },
    get pending() {
      return pending;
    },
  };
}
