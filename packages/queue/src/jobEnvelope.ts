import { operationKey, utf8Bytes, type Envelope, type Operation, type Rejection } from '@cioscale/core';
import type { OperationJobData } from './jobData.js';

/** Why a job's data cannot become an operation: a local rejection naming the field at fault. */
export interface InvalidJob {
  readonly invalid: Rejection & { readonly field: string };
}

const PERSON_ACTIONS = new Set(['identify', 'event', 'page', 'screen', 'delete', 'suppress', 'unsuppress', 'add_relationships', 'delete_relationships', 'add_device', 'delete_device', 'merge']);
const EVENT_ACTIONS = new Set(['event', 'page', 'screen']);

/**
 * Builds the pipeline envelope of a queued job, or says what makes the job undeliverable.
 *
 * It checks what the pipeline relies on before it can even validate an operation — job data that is an
 * object, an operation with a known `type` and `action`, identifiers, attributes and devices that are objects,
 * the envelope fields and the workspace — so a malformed job is dead-lettered at its first attempt instead of
 * throwing inside the pipeline (a `TypeError`, retried to no avail). Customer.io's limits (attribute sizes, the
 * 32,000-byte operation…) are left to the pipeline's `validateOperation`, which rejects at the first attempt too.
 *
 * @param data - `job.data` as BullMQ parsed it (anything: another producer may have written it)
 * @param workspace - the workspace whose queue the job is in; a job naming another one is refused, as
 *   delivering it would send its data with this workspace's credentials
 * @param source - the envelope's acknowledgement handle
 * @example
 * const checked = jobEnvelope(job.data, 'default', job);
 * if ('invalid' in checked) deadLetter(checked.invalid.message);
 */
export function jobEnvelope<S>(data: unknown, workspace: string, source: S): Envelope<S> | InvalidJob {
  if (!isObject(data)) return invalid('data', `job data must be a JSON object; received ${describe(data)}`);
  const job = data as Partial<Record<keyof OperationJobData, unknown>>;
  if (typeof job.id !== 'string' || job.id === '') return invalid('id', `job data needs id, a non-empty string; received ${describe(job.id)}`);
  if (typeof job.producedAt !== 'number' || !Number.isFinite(job.producedAt)) return invalid('producedAt', `job data needs producedAt, ms since the epoch; received ${describe(job.producedAt)}`);
  if (typeof job.workspace !== 'string') return invalid('workspace', `job data needs workspace, a string; received ${describe(job.workspace)}`);
  if (job.workspace !== workspace) return invalid('workspace', `job data names workspace ${JSON.stringify(job.workspace)}, but it is in the queue of workspace ${JSON.stringify(workspace)}`);
  const problem = operationProblem(job.operation);
  if (problem) return problem;
  const operation = job.operation as Operation;
  return { operation, key: operationKey(operation), bytes: utf8Bytes(JSON.stringify(operation)), id: job.id, producedAt: job.producedAt, source };
}

function operationProblem(operation: unknown): InvalidJob | undefined {
  if (operation === undefined) return invalid('operation', 'job data has no operation');
  if (!isObject(operation)) return invalid('operation', `operation must be an object; received ${describe(operation)}`);
  const { type, action } = operation;
  if (type === 'anonymous') return anonymousEventProblem(operation);
  if (type !== 'person' && type !== 'object') return invalid('operation.type', `operation.type must be "person", "object" or "anonymous"; received ${describe(type)}`);
  if (type === 'object' ? action !== 'identify' : typeof action !== 'string' || !PERSON_ACTIONS.has(action)) {
    return invalid('operation.action', `operation.action ${describe(action)} is not a Track v2 action of a ${type}`);
  }
  const objects = action === 'merge' ? ['primary', 'secondary'] : ['identifiers'];
  if (action === 'add_device' || action === 'delete_device') objects.push('device');
  for (const field of objects) {
    if (!isObject(operation[field])) return invalid(`operation.${field}`, `operation.${field} must be an object; received ${describe(operation[field])}`);
  }
  if (operation['attributes'] !== undefined && !isObject(operation['attributes'])) {
    return invalid('operation.attributes', `operation.attributes must be an object; received ${describe(operation['attributes'])}`);
  }
  if (operation['cio_relationships'] !== undefined && !Array.isArray(operation['cio_relationships'])) {
    return invalid('operation.cio_relationships', `operation.cio_relationships must be an array; received ${describe(operation['cio_relationships'])}`);
  }
  if (EVENT_ACTIONS.has(action as string) && typeof operation['name'] !== 'string') return invalid('operation.name', `operation.name must be a string; received ${describe(operation['name'])}`);
  return undefined;
}

/** Core's anonymous event (sent alone through Track v1): an event action, a name, object data. */
function anonymousEventProblem(operation: Record<string, unknown>): InvalidJob | undefined {
  if (typeof operation['action'] !== 'string' || !EVENT_ACTIONS.has(operation['action'])) return invalid('operation.action', `operation.action ${describe(operation['action'])} is not an anonymous event's (event, page or screen)`);
  if (typeof operation['name'] !== 'string') return invalid('operation.name', `operation.name must be a string; received ${describe(operation['name'])}`);
  if (operation['attributes'] !== undefined && !isObject(operation['attributes'])) return invalid('operation.attributes', `operation.attributes must be an object; received ${describe(operation['attributes'])}`);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: its type, and short values themselves (never more than 40 characters). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

function invalid(field: string, message: string): InvalidJob {
  return { invalid: { reason: 'invalid_job', field, message, origin: 'local' } };
}
