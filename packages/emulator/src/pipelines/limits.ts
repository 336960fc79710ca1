/**
 * Customer.io's documented Data Pipelines limits (docs/pipelines-api.md "Limits"). A kilobyte is
 * 1,024 bytes, as for the Track limits (see ../limits.ts `KILOBYTE`: the vendor's own analytics
 * client checks `size > 32 * 1024`).
 */
import { KILOBYTE } from '../limits.js';

export const PIPELINES_LIMITS = {
  /** One call (`/v1/identify`, `/v1/track`, …) as a request body: "32 KB per call". */
  callBytes: 32 * KILOBYTE,
  /** One entry of `/v1/batch`, as JSON text: "32 KB per entry". */
  entryBytes: 32 * KILOBYTE,
  /** A whole `/v1/batch` body: "500 KB per batch request". */
  batchBytes: 500 * KILOBYTE,
} as const;

/**
 * The documented rate: "3000 requests per 3 seconds", soft. Emulated as `soft` mode of
 * {@link EmulatedRateLimit} at 1000 requests/s, whose window is exactly those 3 seconds.
 */
export const PIPELINES_DEFAULT_RATE = 1000;
