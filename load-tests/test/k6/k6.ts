/** Stand-in for `k6` under Node: `check` runs its predicates and remembers the failures. */

export const failedChecks: string[] = [];
/** Every check's result, in order (k6's built-in `checks` rate). */
export const checkResults: boolean[] = [];

export function check<T>(value: T, sets: Record<string, (value: T) => boolean>): boolean {
  let passed = true;
  for (const [name, predicate] of Object.entries(sets)) {
    const ok = predicate(value);
    checkResults.push(ok);
    if (ok) continue;
    passed = false;
    failedChecks.push(name);
  }
  return passed;
}
