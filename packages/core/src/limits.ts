/**
 * Customer.io's documented data limits, in UTF-8 bytes unless stated.
 * Source: the limits tables of the official Track API OpenAPI document (see docs/reference).
 */
export const CUSTOMERIO_LIMITS = {
  /** A person identifier value (`id`, `email`, …). */
  identifierBytes: 150,
  /** An attribute name. */
  attributeNameBytes: 150,
  /** An attribute value (serialized, for objects and arrays). */
  attributeValueBytes: 1000,
  /** Distinct attributes in one identify call. */
  attributesPerCall: 300,
  /** An event name. */
  eventNameBytes: 100,
  /** Event data (the `attributes` of an event operation, serialized). */
  eventDataBytes: 100_000,
  /** One v2 operation, serialized. */
  operationBytes: 32_000,
  /** A whole v2 batch request body (the API says "< 500 KB"). */
  batchRequestBytes: 500_000,
} as const;

/** Bytes of a string in UTF-8, which is what every Customer.io limit counts. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
