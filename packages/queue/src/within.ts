/**
 * Waits for `promise` at most `ms`: true when it settled in time (fulfilled or rejected), false when not.
 * Shutdown paths use it so a Redis that stopped answering cannot hold a worker past its deadline.
 */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}
