import { fileURLToPath } from 'node:url';

// resolved through the demo's workspace dependencies, so the demo knows package names, not where apps sit in the repo
const script = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier));

/** The scripts the demo runs: each app's own entry point, as its root `pnpm` script runs it. */
export const entryPoints = {
  worker: script('@cioscale/worker/main'),
  loadgen: script('@cioscale/worker/loadgen'),
  monitor: script('@cioscale/monitor/cli'),
} as const;
