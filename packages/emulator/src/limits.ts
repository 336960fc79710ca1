/**
 * Customer.io's documented Track API limits, written down here from the official OpenAPI document
 * (`shared/reference/customerio-track-openapi.json`, limits tables in `info.description`) rather than
 * imported from `@cioscale/core`: the emulator is an independent check of the client's own validator.
 *
 * Every size is in UTF-8 bytes. Customer.io writes "32kb" and "500kb" without saying whether a
 * kilobyte is 1000 or 1024 bytes; the emulator takes the stricter reading (1000), so a client that
 * passes here passes Customer.io under either reading.
 */
export const TRACK_LIMITS = {
  /** A person identifier value (`id`, `email`, `phone`, `cio_id`), and an object id. */
  identifierBytes: 150,
  /** An attribute name. */
  attributeNameBytes: 150,
  /** An attribute value; objects and arrays are measured as their JSON text. */
  attributeValueBytes: 1000,
  /** Distinct attributes in one identify call. */
  attributesPerCall: 300,
  /** An event name. */
  eventNameBytes: 100,
  /** The `data` of a v1 event, as JSON text. */
  eventDataBytes: 100_000,
  /** One v2 operation as JSON text: "32kb or smaller". Also the whole `/api/v2/entity` body. */
  operationBytes: 32_000,
  /** The whole `/api/v2/batch` body must be *smaller than* this: "smaller than 500kb". */
  batchRequestBytes: 500_000,
  /**
   * The emulator's own cap on a v1 body. Customer.io documents none; this is roomy enough for 300
   * attributes of the maximum size, and keeps one request from taking unbounded memory.
   */
  v1RequestBytes: 1_000_000,
} as const;

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
