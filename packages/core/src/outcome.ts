import type { Envelope } from './envelope.js';

/** Why Customer.io or local validation refused an operation. Never retried. */
export interface Rejection {
  /** Which rule failed, e.g. `attribute_value_too_long`, `batch_too_large`, or Customer.io's `reason`. */
  readonly reason: string;
  /** The field at fault, e.g. `attributes.bio`, when known. */
  readonly field?: string;
  /** A sentence a person can act on. */
  readonly message: string;
  /** `local` when cioscale refused it before sending, `customerio` when the API did. */
  readonly origin: 'local' | 'customerio';
}

/** The operation reached Customer.io and was accepted. */
export interface DeliveredOutcome<S = unknown> {
  readonly status: 'delivered';
  readonly envelope: Envelope<S>;
}

/** The operation was definitively refused; it goes to the failed-rows file or dead letter. */
export interface RejectedOutcome<S = unknown> {
  readonly status: 'rejected';
  readonly envelope: Envelope<S>;
  readonly rejection: Rejection;
}

/** Delivery was given up: retries exhausted or a non-retryable transport error. */
export interface FailedOutcome<S = unknown> {
  readonly status: 'failed';
  readonly envelope: Envelope<S>;
  readonly error: Error;
}

/** Exactly one Outcome comes out of the pipeline for every Envelope that goes in. */
export type Outcome<S = unknown> = DeliveredOutcome<S> | RejectedOutcome<S> | FailedOutcome<S>;

/** Builds a delivered outcome. */
export const delivered = <S>(envelope: Envelope<S>): DeliveredOutcome<S> => ({ status: 'delivered', envelope });

/** Builds a rejected outcome. */
export const rejected = <S>(envelope: Envelope<S>, rejection: Rejection): RejectedOutcome<S> => ({
  status: 'rejected',
  envelope,
  rejection,
});

/** Builds a failed outcome. */
export const failed = <S>(envelope: Envelope<S>, error: Error): FailedOutcome<S> => ({ status: 'failed', envelope, error });

