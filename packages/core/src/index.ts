// Operations and the friendly builders.
export * from './operations.js';
export * from './builders.js';

// Limits and validation.
export { CUSTOMERIO_LIMITS, utf8Bytes } from './limits.js';
export { validateOperation } from './validate.js';

// Envelopes, outcomes, errors.
export * from './envelope.js';
export { createEnvelope, withJsonMember, type EnvelopeSource } from './createEnvelope.js';
export { eventId, randomEventId } from './eventId.js';
export { stampTimestamp } from './stampTimestamp.js';
export * from './outcome.js';
export { AuthenticationError, CioscaleError, codeOf, ConfigurationError, OperationTooLargeError, RetriesExhaustedError, TokenSourceEmptyError } from './errors.js';
export {
  BadRequestError,
  NetworkError,
  PayloadTooLargeError,
  RateLimitedError,
  refusedOperationsOf,
  RequestTimeoutError,
  retryAfterMsOf,
  ServerError,
  TransportError,
  transportError,
  UnexpectedResponseError,
  type OperationError,
  type TransportErrorKind,
  type TransportErrorOptions,
} from './transportErrors.js';

// Defaults, in one place.
export { DEFAULT_BATCH, DEFAULT_BUDGET, DEFAULT_CONCURRENCY, DEFAULT_RETRY } from './defaults.js';

// Interfaces of the injected pieces.
export type { Transport, BatchResponse } from './transport.js';
export type { TokenSource, TokenSourceState } from './tokenSource.js';

// Rate limiting and retries.
export { TokenBucket, type TokenBucketOptions } from './tokenBucket.js';
export { DEFAULT_RETRY_POLICY, backoffDelayMs, isRetryableError, normalizeRetryPolicy, type RetryPolicy, type RetryPolicyOptions } from './retryPolicy.js';
export { parseRetryAfter } from './retryAfter.js';

// Operators.
export { batchOperations, DEFAULT_MAX_BATCH_BYTES, tooLargeToBatch, type BatchOperationsOptions } from './operators/batchOperations.js';
export { awaitToken } from './operators/awaitToken.js';
export { attemptBatch, type AttemptBatchOptions } from './operators/attemptBatch.js';
export { retryWithBackoff } from './operators/retryWithBackoff.js';
export { isolateRejections } from './operators/isolateRejections.js';
export { sendBatches, type SendBatchesOptions } from './operators/sendBatches.js';

// The composed pipeline, backpressure and metrics.
export { deliver, type DeliverOptions } from './deliver.js';
export { createPullSource, type PullSource, type PullSourceOptions } from './pullSource.js';
export { PipelineMetrics, requestResultOf, type FinishedRequest, type MetricsSnapshot, type RequestResult } from './metrics.js';
export { LatencyWindow, type LatencyPercentiles } from './latencyWindow.js';
