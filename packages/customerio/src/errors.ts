import { CioscaleError } from '@cioscale/core';

/**
 * A setting (environment variable or option) has a value that cannot work. The message names the
 * setting and what it expects; it never repeats a credential's value.
 */
export class ConfigError extends CioscaleError {
  /** The variable or option at fault, e.g. `CUSTOMERIO_REGION`. */
  readonly setting: string;

  constructor(setting: string, expected: string, received?: string) {
    super('CIO_CONFIG', `${setting} must be ${expected}${received === undefined ? '' : `; received ${received}`}`);
    this.setting = setting;
  }
}
