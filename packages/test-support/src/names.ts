import { randomBytes } from 'node:crypto';

/** A fresh key namespace per test, so tests never see each other's queues or buckets. */
export function freshNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}
