import { CioscaleError } from '@cioscale/core';

/**
 * Redis could not be reached when a producer needed it. Producers fail fast with this error instead of
 * buffering operations in memory, where a crash would lose them silently.
 */
export class QueueUnavailableError extends CioscaleError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CIO_QUEUE_UNAVAILABLE', message, options);
  }
}

/** A queue setting (option, environment variable or workspaces file entry) cannot work. Never echoes a secret. */
export class QueueConfigError extends CioscaleError {
  /** The setting at fault, e.g. `REDIS_URL` or `workspaces[1].shards`. */
  readonly setting: string;

  constructor(setting: string, expected: string, received?: string) {
    super('CIO_QUEUE_CONFIG', `${setting} must be ${expected}${received === undefined ? '' : `; received ${received}`}`);
    this.setting = setting;
  }
}
