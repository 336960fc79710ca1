/**
 * Track API v2 operations (`/api/v2/entity`, each item of `/api/v2/batch`) checked for the shapes core's
 * operation types describe, then for Customer.io's limits by core's validator.
 */
import type { Operation } from '@cioscale/core';
import type { Problem } from './answers.js';
import { checkLimits, type CheckedOperation, isRecord, kindOf, optionalRecord, problem } from './shapes.js';

const PERSON_ACTIONS = new Set(['identify', 'event', 'page', 'screen', 'delete', 'suppress', 'unsuppress', 'add_relationships', 'delete_relationships', 'add_device', 'delete_device', 'merge']);

/** One v2 operation, or the problem Customer.io would answer it with. */
export function v2Operation(value: unknown): CheckedOperation | Problem {
  if (!isRecord(value)) return problem('invalid', 'operation', `an operation must be a JSON object; received ${kindOf(value)}`);
  const { type, action } = value;
  if (type !== 'person' && type !== 'object') return problem('invalid', 'type', `type must be "person" or "object"; received ${kindOf(type)}`);
  if (typeof action !== 'string') return problem('required', 'action', 'action is required');
  if (type === 'object' && action !== 'identify') {
    return problem('unsupported', 'action', `object action "${action}" is not supported by the cioscale gateway (the fleet delivers object identify only); send it to Customer.io directly`);
  }
  if (type === 'person' && !PERSON_ACTIONS.has(action)) return problem('invalid', 'action', `action "${action}" is not a person action`);
  const shape =
    (action === 'merge'
      ? optionalRecord(value['primary'] ?? null, 'primary') ?? optionalRecord(value['secondary'] ?? null, 'secondary')
      : optionalRecord(value['identifiers'] ?? null, 'identifiers')) ??
    optionalRecord(value['attributes'], 'attributes') ??
    (value['device'] !== undefined || action === 'add_device' || action === 'delete_device' ? optionalRecord(value['device'] ?? null, 'device') : undefined) ??
    relationships(value, action);
  if (shape) return shape;
  const operation = value as unknown as Operation;
  return checkLimits(operation);
}

function relationships(value: Record<string, unknown>, action: string): Problem | undefined {
  const list = value['cio_relationships'];
  const required = action === 'add_relationships' || action === 'delete_relationships';
  if (list === undefined && !required) return undefined;
  if (!Array.isArray(list)) return problem(required ? 'required' : 'invalid', 'cio_relationships', `cio_relationships must be an array; received ${kindOf(list)}`);
  return undefined;
}
