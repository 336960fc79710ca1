export * from './operations.js';
export * from './envelope.js';
export * from './outcome.js';
export * from './errors.js';
export * from './transport.js';
export * from './tokenSource.js';
