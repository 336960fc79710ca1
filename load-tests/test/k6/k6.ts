/** Stand-in for `k6` under Node: `check` runs its predicates and remembers the failures. */

export const failedChecks: string[] = [];

export function check<T>(value: T, sets: Record<string, (value: T) => boolean>): boolean {
  let passed = true;
  for (const [name, predicate] of Object.entries(sets)) {
    if (predicate(value)) continue;
    passed = false;
    failedChecks.push(name);
  }
  return passed;
}
