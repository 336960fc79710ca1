/**
 * Customer.io's documented Track API limits, written down here from the official OpenAPI document
 * (`docs/reference/customerio-track-openapi.json`, limits tables in `info.description`) rather than
 * imported from `@cioscale/core`: the emulator is an independent check of the client's own validator.
 *
 * Every size is in UTF-8 bytes.
 */

/**
 * What "kb" means in Customer.io's limits: 1,024 bytes.
 *
 * Decision: the OpenAPI document writes "32kb" and "500kb" without saying which kilobyte. Customer.io's
 * own batching client (`@customerio/cdp-analytics-node`, the fork of the Segment client that
 * docs/reference/customerio-api.md lists under "Peers": "batches capped at 480 KB (500 KB minus
 * padding), 32 KB per event") checks `size > MAX_EVENT_SIZE_IN_KB * 1024` and `MAX_BATCH_SIZE_IN_KB *
 * 1024`, so the vendor's own code counts a kilobyte as 1,024 bytes, and so does the emulator. (It used
 * to count 1,000, which refused requests Customer.io takes.) Limits the document gives in bytes
 * ("100000 bytes" of event data) are taken as written.
 */
export const KILOBYTE = 1024;

export const TRACK_LIMITS = {
  /** A person identifier value (`id`, `email`, `phone`, `cio_id`), and an object id: "ID | 150 bytes". */
  identifierBytes: 150,
  /** An attribute name: "Attribute Name | 150 bytes". */
  attributeNameBytes: 150,
  /** An attribute value; objects and arrays are measured as their JSON text: "Attribute Value | 1000 bytes". */
  attributeValueBytes: 1000,
  /** Distinct attributes in one identify call (and of one object or relationship): "Unique attributes | 300". */
  attributesPerCall: 300,
  /** All attributes of one relationship together, as JSON text: "Total attribute size | 100 Kilobytes". */
  relationshipAttributesBytes: 100 * KILOBYTE,
  /** An event name: "Event Name | 100 bytes". */
  eventNameBytes: 100,
  /** The `data` of a v1 event, as JSON text: "Event Data | 100000 bytes". */
  eventDataBytes: 100_000,
  /** One batch operation as JSON text: "Each of the requests within a batch must also be 32kb or smaller." */
  operationBytes: 32 * KILOBYTE,
  /** The whole `/api/v2/entity` body must be *smaller than* this: the operation's own "Your request must be smaller than 32kb". */
  entityRequestBytes: 32 * KILOBYTE,
  /** The whole `/api/v2/batch` body must be *smaller than* this: "Your batch request must be smaller than 500kb". */
  batchRequestBytes: 500 * KILOBYTE,
  /** Ids in one manual-segment call: "You are limited to 1000 customer IDs per request" (`maxItems: 1000`). */
  segmentIdsPerCall: 1000,
  /**
   * The emulator's own cap on a v1 body. Customer.io documents none; this is roomy enough for 300
   * attributes of the maximum size, and keeps one request from taking unbounded memory.
   */
  v1RequestBytes: 1_000_000,
} as const;

/**
 * A `_timestamp`/`timestamp` at or above this is almost certainly in milliseconds: as seconds it
 * would be past the year 5138, while every millisecond time after March 1973 is above it. Customer.io
 * takes the value as seconds (its schema only says "integer", "unix timestamp"), so the emulator does
 * too, and counts it as a warning: such an update wins every later one for good.
 */
export const MILLISECOND_TIMESTAMP_FLOOR = 100_000_000_000;

/** Bytes of a string in UTF-8, which is what every Customer.io limit counts. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * True when `value` is longer than `limit` UTF-8 bytes. Skips the byte count when the UTF-16
 * length already decides it (a UTF-16 unit is at most 3 UTF-8 bytes), which is the common case.
 */
export function exceedsBytes(value: string, limit: number): boolean {
  if (value.length * 3 <= limit) return false;
  if (value.length > limit) return true;
  return utf8Bytes(value) > limit;
}
