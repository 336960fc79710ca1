/**
 * The shape checks core's `validateOperation` takes for granted (it validates an `Operation`, which the
 * type system promised): a JSON body from the network can hold anything, so each field is checked for its
 * kind first, naming the field, before core checks Customer.io's limits.
 */
import { stampTimestamp, utf8Bytes, validateOperation, type Operation } from '@cioscale/core';
import type { Problem } from './answers.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function problem(reason: string, field: string, message: string): Problem {
  return { reason, field, message };
}

export function isProblem(value: unknown): value is Problem {
  return isRecord(value) && typeof value['reason'] === 'string' && typeof value['message'] === 'string' && !('type' in value);
}

/** A field that must be an object when present. */
export function optionalRecord(value: unknown, field: string): Problem | undefined {
  if (value === undefined || isRecord(value)) return undefined;
  return problem('invalid', field, `${field} must be an object; received ${kindOf(value)}`);
}

/** A field that must be a string when present. */
export function optionalString(value: unknown, field: string): Problem | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  return problem('invalid', field, `${field} must be a string; received ${kindOf(value)}`);
}

/**
 * An operation that passed core's checks, as it will be enqueued, with its JSON: the size was measured on that
 * text, and the job is built from it (the producer does not serialise the operation again).
 */
export interface CheckedOperation {
  readonly operation: Operation;
  readonly json: string;
}

/**
 * Core's verdict on a well-shaped operation: a problem (field and reason as core names them), or the operation
 * with its JSON. An identify without `timestamp` is stamped here, with the time the call was received (the
 * producer leaves a stamped one as it is), so the size checked is the size of what is sent.
 */
export function checkLimits(operation: Operation): CheckedOperation | Problem {
  const stamped = stampTimestamp(operation, Date.now());
  const json = JSON.stringify(stamped);
  const rejection = validateOperation(stamped, utf8Bytes(json));
  return rejection ? problem(rejection.reason, rejection.field ?? '', rejection.message) : { operation: stamped, json };
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}
