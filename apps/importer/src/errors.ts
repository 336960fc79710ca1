import { CioscaleError } from '@cioscale/core';

/** A problem that stops the import before or while it runs: bad flag, unreadable file, bad mapping. */
export class ImportError extends CioscaleError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A flag or mapping value that cannot work; the message names it. */
export class UsageError extends ImportError {
  constructor(message: string) {
    super('CIO_IMPORT_USAGE', message);
  }
}
