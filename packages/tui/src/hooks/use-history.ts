import { useRef } from 'react';

/**
 * Keeps the last `size` values of a series that a parent re-renders with, e.g. rows/s each second, for a
 * {@link Sparkline}. A new value is appended whenever `key` changes (a snapshot's time), never twice for one key.
 */
export function useHistory(value: number, key: number, size = 60): readonly number[] {
  const state = useRef<{ key: number | undefined; values: number[] }>({ key: undefined, values: [] });
  if (state.current.key !== key) {
    state.current = { key, values: [...state.current.values, value].slice(-size) };
  }
  return state.current.values;
}
