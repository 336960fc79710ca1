/**
 * Fault injection: latency, server errors, reset and hanging connections, and a forced 429 window.
 * Set at start and changeable at runtime (`POST /__emulator/config`, or `configure()` on the handle).
 */
import { EmulatorOptionError } from './errors.js';

/** Faults to inject into Track API requests (never into the admin API). */
export interface FaultOptions {
  /** Delay added before every Track API answer, in ms. @defaultValue 0 */
  readonly latencyMs?: number;
  /** A further uniformly random delay in [0, jitterMs), in ms. @defaultValue 0 */
  readonly jitterMs?: number;
  /** Fraction (0–1) of requests answered 500 without being applied. @defaultValue 0 */
  readonly error500Rate?: number;
  /** Fraction (0–1) of requests answered 503 without being applied. @defaultValue 0 */
  readonly error503Rate?: number;
  /** Fraction (0–1) of requests whose connection is reset (destroyed) without an answer. @defaultValue 0 */
  readonly resetRate?: number;
  /**
   * Fraction (0–1) of requests left hanging: never answered, the socket destroyed after
   * {@link FaultOptions.hangMs}. Set it longer than the client's timeout. @defaultValue 0
   */
  readonly hangRate?: number;
  /** How long a hanging request is held before its socket is destroyed, in ms. @defaultValue 60000 */
  readonly hangMs?: number;
  /**
   * Answer every Track API request 429 for this many ms, counted from when it is set (at start,
   * or by a config change). 0 ends a window early. @defaultValue 0
   */
  readonly force429Ms?: number;
}

/** The fault settings in force, as the admin API reports them. */
export interface FaultSettings {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly error500Rate: number;
  readonly error503Rate: number;
  readonly resetRate: number;
  readonly hangRate: number;
  readonly hangMs: number;
  /** Milliseconds left in the forced 429 window; 0 when none is open. */
  readonly force429RemainingMs: number;
}

/** What to do with one request instead of answering it normally. */
export type FaultAction = 'reset' | 'hang' | 500 | 503 | undefined;

const RATE_FIELDS = ['error500Rate', 'error503Rate', 'resetRate', 'hangRate'] as const;
const DURATION_FIELDS = ['latencyMs', 'jitterMs', 'hangMs', 'force429Ms'] as const;

/**
 * Checks a fault update: durations are finite numbers ≥ 0, rates are within 0–1, and the four rates
 * of the result add up to at most 1 (one random draw picks at most one fault per request).
 */
export function validateFaults(update: unknown, current: FaultSettings, prefix = 'faults.'): FaultOptions {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new EmulatorOptionError(prefix.slice(0, -1), 'an object', update);
  const fields = update as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!(RATE_FIELDS as readonly string[]).includes(name) && !(DURATION_FIELDS as readonly string[]).includes(name)) {
      throw new EmulatorOptionError(`${prefix}${name}`, `one of ${[...DURATION_FIELDS, ...RATE_FIELDS].join(', ')}`, name);
    }
  }
  for (const name of DURATION_FIELDS) {
    const value = fields[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new EmulatorOptionError(`${prefix}${name}`, 'a number of milliseconds ≥ 0', value);
    }
  }
  let total = 0;
  for (const name of RATE_FIELDS) {
    // `null` is refused rather than read as "keep the current value".
    const value = name in fields ? fields[name] : current[name];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new EmulatorOptionError(`${prefix}${name}`, 'a fraction between 0 and 1', value);
    total += value;
  }
  if (total > 1) throw new EmulatorOptionError(`${prefix}error500Rate + error503Rate + resetRate + hangRate`, 'at most 1', total);
  return fields;
}

/** Decides, request by request, which fault to inject. */
export class FaultInjector {
  #settings: Omit<FaultSettings, 'force429RemainingMs'> = { latencyMs: 0, jitterMs: 0, error500Rate: 0, error503Rate: 0, resetRate: 0, hangRate: 0, hangMs: 60_000 };
  #force429Until = 0;

  /**
   * @param random Uniform [0, 1) source; injected so tests can make the draws deterministic.
   * @param clock Milliseconds, for the forced 429 window.
   */
  constructor(
    options: FaultOptions = {},
    readonly random: () => number = Math.random,
    readonly clock: () => number = () => performance.now(),
  ) {
    this.configure(options);
  }

  /** Applies a partial update (validated first); fields left out keep their value. */
  configure(update: FaultOptions): FaultSettings {
    const valid = validateFaults(update, this.settings);
    const { force429Ms, ...rest } = valid;
    this.#settings = { ...this.#settings, ...rest };
    if (force429Ms !== undefined) this.#force429Until = force429Ms === 0 ? 0 : this.clock() + force429Ms;
    return this.settings;
  }

  /** The settings in force. */
  get settings(): FaultSettings {
    return { ...this.#settings, force429RemainingMs: this.forced429RemainingMs() };
  }

  /** Milliseconds left in the forced 429 window, 0 when none is open. */
  forced429RemainingMs(): number {
    return this.#force429Until === 0 ? 0 : Math.max(0, Math.ceil(this.#force429Until - this.clock()));
  }

  /** The delay to add before this answer, in ms. */
  latencyMs(): number {
    const { latencyMs, jitterMs } = this.#settings;
    return jitterMs > 0 ? latencyMs + this.random() * jitterMs : latencyMs;
  }

  /** How long a hanging request is held, in ms. */
  get hangMs(): number {
    return this.#settings.hangMs;
  }

  /** One draw: which fault, if any, this request gets. */
  roll(): FaultAction {
    const { resetRate, hangRate, error500Rate, error503Rate } = this.#settings;
    if (resetRate + hangRate + error500Rate + error503Rate === 0) return undefined;
    let draw = this.random();
    if ((draw -= resetRate) < 0) return 'reset';
    if ((draw -= hangRate) < 0) return 'hang';
    if ((draw -= error500Rate) < 0) return 500;
    if ((draw -= error503Rate) < 0) return 503;
    return undefined;
  }
}
