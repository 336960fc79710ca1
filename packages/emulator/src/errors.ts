/**
 * Errors of the emulator. Each has a stable `code`; messages say what was expected and what was
 * received, and never contain an API key.
 */

/** An option (library field, CLI flag, environment variable or admin config field) is invalid. */
export class EmulatorOptionError extends Error {
  /** Always `EMULATOR_INVALID_OPTION`. */
  readonly code = 'EMULATOR_INVALID_OPTION';
  /** The option as the caller named it, e.g. `rate`, `--rate`, `CIO_EMULATOR_RATE`. */
  readonly option: string;

  constructor(option: string, expected: string, received: unknown) {
    super(`${option} must be ${expected}; received ${describe(received)}`);
    this.name = 'EmulatorOptionError';
    this.option = option;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return JSON.stringify(value) ?? typeof value;
}
