import { Observable } from 'rxjs';
import { ConfigurationError } from './errors.js';

/** A source that reads only while the consumer keeps up; see {@link createPullSource}. */
export interface PullSource<T> {
  /** The values, read on demand. Subscribe once. */
  readonly values: Observable<T>;
  /** Tells the source `count` units are finished (acknowledged); it may read that many more. */
  release(count?: number): void;
  /** Units emitted and not yet released. */
  readonly pending: number;
}

/** Options of {@link createPullSource}. */
export interface PullSourceOptions<T> {
  /**
   * Units emitted and not yet released before reading pauses (a unit is a value, or what `size` counts).
   * @defaultValue 10_000
   */
  readonly highWaterMark?: number;
  /**
   * How many units one value holds, like a WHATWG `QueuingStrategy.size`: a chunk of 500 rows is 500
   * units, released one row at a time. Reading pauses once the units pending reach `highWaterMark`, so
   * the last chunk read may overshoot it by less than its own size.
   * @defaultValue every value is 1 unit
   */
  readonly size?: (value: T) => number;
}

/**
 * Turns an (async) iterable into an Observable that keeps at most `highWaterMark` units
 * un-released. RxJS pushes; a million-row file must be pulled, so memory is bounded by the window,
 * never by the input.
 *
 * Reading values in chunks (with `size` counting the rows of a chunk) costs one `await` per chunk
 * instead of one per row, which is most of what a fast source spends in this loop.
 *
 * @param iterable - rows, chunks of rows, jobs, envelopes… read lazily
 * @param options - see {@link PullSourceOptions}; validated when the source is created
 * @example
 * const source = createPullSource(readRows(file), { highWaterMark: 5000 });
 * deliver(source.values.pipe(map(toEnvelope)), options).pipe(tap(() => source.release()))
 * @example
 * // chunks of rows, released row by row
 * const chunks = createPullSource(readRowChunks(file), { highWaterMark: 5000, size: (chunk) => chunk.length });
 */
export function createPullSource<T>(iterable: AsyncIterable<T> | Iterable<T>, options: PullSourceOptions<T> = {}): PullSource<T> {
  const highWaterMark = options.highWaterMark ?? 10_000;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw ConfigurationError.option('highWaterMark', 'an integer ≥ 1', highWaterMark);
  const { size } = options;
  if (size !== undefined && typeof size !== 'function') throw ConfigurationError.option('size', 'a function of a value returning its units', typeof size);
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
          pending += size ? unitsOf(size, result.value) : 1;
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

function unitsOf<T>(size: (value: T) => number, value: T): number {
  const units = size(value);
  // a NaN would stop the window from ever filling (NaN >= n is false): memory would be unbounded
  if (!Number.isFinite(units) || units < 0) throw ConfigurationError.option('size', 'a finite number of units ≥ 0', units);
  return units;
}
