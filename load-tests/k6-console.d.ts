/**
 * k6 has a `console` (its messages go to k6's log), but @types/k6 does not declare it and the
 * scripts' type check leaves out the DOM and Node libraries that would. Only what k6 implements.
 */
declare global {
  var console: {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
  };
}

export {};
