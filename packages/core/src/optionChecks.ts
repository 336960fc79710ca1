import type { SchedulerLike } from 'rxjs';
import { ConfigurationError } from './errors.js';

/** Runs `build`, naming a bad option of it as nested under `prefix` (`retry.maxAttempts`). */
export function nested<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw error instanceof ConfigurationError ? error.within(prefix) : error;
  }
}

/** `value` when it is an integer ≥ `min`. */
export function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw ConfigurationError.option(name, `an integer ≥ ${min}`, value);
  return value;
}

/** `value` when it is an RxJS scheduler (has `now` and `schedule`). */
export function schedulerOption(name: string, value: SchedulerLike): SchedulerLike {
  if (typeof value?.now !== 'function' || typeof value.schedule !== 'function') throw ConfigurationError.option(name, 'an RxJS SchedulerLike', typeof value);
  return value;
}

/** `value` when it is undefined or an object with every method in `methods`. */
export function optionalWithMethods<T extends object>(name: string, value: T | undefined, methods: readonly (keyof T & string)[], expected: string): T | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'object' && value !== null && methods.every((method) => typeof value[method] === 'function');
  if (!ok) throw ConfigurationError.option(name, `${expected} (with ${methods.join(', ')})`, typeof value);
  return value;
}

/** `value` when it is a function. */
export function functionOption<T>(name: string, value: T, expected: string): T {
  if (typeof value !== 'function') throw ConfigurationError.option(name, expected, typeof value);
  return value;
}
