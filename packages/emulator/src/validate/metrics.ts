/**
 * Reports about messages Customer.io delivered, none of which needs the Track API key
 * (`security: []` in the OpenAPI document):
 *
 * - `POST /api/v1/metrics`: `{delivery_id, metric, timestamp?, recipient?, reason?, href?}`;
 * - `POST /api/v1/push/events`: `{delivery_id, event, device_id?, timestamp?}` (the older push form);
 * - `POST /unsubscribe/{delivery_id}`: `{unsubscribe: boolean}`, with `Content-Type: application/json` required.
 */
import type { DeliveryCommand, UnsubscribeCommand } from '../commands.js';
import type { Problem } from './common.js';
import { identifierText, isProblem, isRecord, optionalBoolean, optionalTimestamp, problem } from './common.js';

/** Every `metric` value of the `/api/v1/metrics` schema's variants (their union). */
const METRICS = new Set(['bounced', 'clicked', 'converted', 'deferred', 'delivered', 'dropped', 'opened', 'spammed']);
/** The push events schema's `event` enum. */
const PUSH_EVENTS = new Set(['opened', 'converted', 'delivered']);

function textField(body: Record<string, unknown>, name: string): string | undefined | Problem {
  const value = body[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : problem('invalid', name, `${name} must be a string; received ${JSON.stringify(value)}`);
}

/** `POST /api/v1/metrics`. `delivery_id` and `metric` are required by every variant of the schema. */
export function parseMetric(body: unknown): DeliveryCommand | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object');
  const deliveryId = identifierText(body['delivery_id'], 'delivery_id', 'strings only');
  if (isProblem(deliveryId)) return deliveryId;
  const metric = body['metric'];
  if (typeof metric !== 'string' || !METRICS.has(metric)) {
    return problem('invalid', 'metric', `metric must be one of ${[...METRICS].join(', ')}; received ${JSON.stringify(metric)}`);
  }
  for (const name of ['reason', 'href']) {
    const checked = textField(body, name);
    if (isProblem(checked)) return checked;
  }
  // One variant types `recipient` as an integer (an SMS number), the others as a string.
  const recipient = body['recipient'];
  if (recipient !== undefined && typeof recipient !== 'string' && !Number.isInteger(recipient)) {
    return problem('invalid', 'recipient', `recipient must be a string; received ${JSON.stringify(recipient)}`);
  }
  const timestamp = optionalTimestamp(body['timestamp'], 'timestamp');
  if (isProblem(timestamp)) return timestamp;
  return { action: 'metric', deliveryId, name: metric, timestamp };
}

/**
 * `POST /api/v1/push/events`. The schema marks nothing required, but a push metric means nothing
 * without the delivery it is about and what happened, so `delivery_id` and `event` are required.
 */
export function parsePushMetric(body: unknown): DeliveryCommand | Problem {
  if (!isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object');
  const deliveryId = identifierText(body['delivery_id'], 'delivery_id', 'strings only');
  if (isProblem(deliveryId)) return deliveryId;
  const event = body['event'];
  if (typeof event !== 'string' || !PUSH_EVENTS.has(event)) {
    return problem('invalid', 'event', `event must be one of opened, converted, delivered; received ${JSON.stringify(event)}`);
  }
  const deviceId = textField(body, 'device_id');
  if (isProblem(deviceId)) return deviceId;
  const timestamp = optionalTimestamp(body['timestamp'], 'timestamp');
  if (isProblem(timestamp)) return timestamp;
  return { action: 'push_metric', deliveryId, name: event, timestamp };
}

/** `POST /unsubscribe/{delivery_id}`: `unsubscribe` defaults to true, as the official client sends it. */
export function parseUnsubscribe(deliveryId: string, contentType: string | undefined, body: unknown): UnsubscribeCommand | Problem {
  // "This endpoint requires a Content-type: application/json header."
  if (contentType === undefined || !/^application\/json\b/i.test(contentType.trim())) {
    return problem('invalid', 'content-type', `Content-Type must be application/json; received ${JSON.stringify(contentType ?? '')}`);
  }
  const id = identifierText(deliveryId, 'delivery_id', 'strings only');
  if (isProblem(id)) return id;
  if (body !== undefined && !isRecord(body)) return problem('invalid', 'body', 'request body must be a JSON object');
  const unsubscribe = optionalBoolean(body?.['unsubscribe'], 'unsubscribe');
  if (isProblem(unsubscribe)) return unsubscribe;
  return { action: 'unsubscribe', deliveryId: id, unsubscribe: unsubscribe ?? true };
}
