/**
 * Error classes of cioscale, one per failure, each with a literal `code` (undici's style). Branch on
 * `code`, never on `instanceof`: an app that ends up with two copies of `@cioscale/core` gets two sets of
 * classes, and an `instanceof` check against the other copy's class would silently fail (see
 * {@link codeOf}). Messages say what failed, what was expected and what was received, and never contain
 * credentials.
 */

/** Base class of every cioscale error. */
export abstract class CioscaleError extends Error {
  /** Stable machine-readable code, e.g. `CIO_AUTH`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An option, flag, environment variable or configuration-file entry has a value that cannot work.
 * The one configuration error of every cioscale package and app; `received` is a safe description,
 * never a secret's value (`(hidden)` stands in for it).
 */
export class ConfigurationError extends CioscaleError {
  readonly code = 'CIO_CONFIG' as const;
  /** The setting as the user names it: `maxAttempts`, `retry.maxAttempts`, `--rate`, `CUSTOMERIO_REGION`, `workspaces[1].shards`. */
  readonly setting: string;
  /** What would have worked, e.g. `an integer ≥ 1`. */
  readonly expected: string;
  /** What was received, described safely; `undefined` when there is nothing to show. */
  readonly received: string | undefined;

  /**
   * @param setting - the variable, flag or file entry at fault (used as is at the start of the message)
   * @param received - already described (e.g. `JSON.stringify(value)` or `(hidden)`)
   */
  constructor(setting: string, expected: string, received?: string, options: { cause?: unknown; label?: string } = {}) {
    super(`${options.label ?? setting} must be ${expected}${received === undefined ? '' : `; received ${received}`}`, { cause: options.cause });
    this.setting = setting;
    this.expected = expected;
    this.received = received;
  }

  /**
   * The error of a bad option of a function or class (`option "maxAttempts" must be …`); `received` is
   * shown as JSON, so never pass a secret here (pass its `typeof` instead).
   */
  static option(name: string, expected: string, received: unknown): ConfigurationError {
    return new ConfigurationError(name, expected, JSON.stringify(received) ?? String(received), { label: `option "${name}"` });
  }

  /** The same error for an option nested under `prefix` (`retry.maxAttempts` of `sendBatches`). */
  within(prefix: string): ConfigurationError {
    const setting = `${prefix}.${this.setting}`;
    const label = this.message.startsWith('option "') ? `option "${setting}"` : setting;
    return new ConfigurationError(setting, this.expected, this.received, { label, cause: this.cause });
  }
}

/** Credentials were refused (401/403). The pipeline stops; retrying would only repeat the refusal. */
export class AuthenticationError extends CioscaleError {
  readonly code = 'CIO_AUTH' as const;
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** Retries were given up: attempts or total time ran out. `cause` holds the last error. */
export class RetriesExhaustedError extends CioscaleError {
  readonly code = 'CIO_RETRIES_EXHAUSTED' as const;
  readonly attempts: number;

  constructor(attempts: number, elapsedMs: number, cause: unknown) {
    super(`gave up after ${attempts} attempt(s) over ${Math.round(elapsedMs)} ms: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.attempts = attempts;
  }
}

/** A token source completed without granting a token: the value waiting for it would be lost. */
export class TokenSourceEmptyError extends CioscaleError {
  readonly code = 'CIO_TOKEN_SOURCE_EMPTY' as const;

  constructor() {
    super('the token source completed without granting a token');
  }
}

/** An operation too large to fit a batch request even alone reached a batcher that had nowhere to reject it. */
export class OperationTooLargeError extends CioscaleError {
  readonly code = 'CIO_OPERATION_TOO_LARGE' as const;

  constructor(message: string) {
    super(message);
  }
}

/**
 * The `code` of any error-like value: a cioscale error of this copy of the package, of another copy, or
 * a plain object carrying one. `undefined` when there is none.
 *
 * @example
 * ```ts
 * if (codeOf(error) === 'CIO_AUTH') stop();
 * ```
 */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
