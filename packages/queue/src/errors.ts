import { CioscaleError } from '@cioscale/core';

// A bad queue setting (option, environment variable, workspaces file entry) is core's ConfigurationError.

/**
 * Redis could not be reached when a producer needed it. Producers fail fast with this error instead of
 * buffering operations in memory, where a crash would lose them silently.
 */
export class QueueUnavailableError extends CioscaleError {
  readonly code = 'CIO_QUEUE_UNAVAILABLE' as const;
}
