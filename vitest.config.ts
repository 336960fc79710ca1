import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'k8s', 'load-tests'],
    // Vitest's default on a 2-core machine is one worker (cores - 1), and projects that turned file
    // parallelism off were queued behind one another: the suite ran one file at a time while most files
    // spend their time waiting on Redis, child processes and timers. Every file starts its own
    // redis-server on a free port and its own emulator, so two files at once share nothing; measured on
    // this machine: 494 s → 362 s for the same suite. Timing claims live in bench/, never in tests, so
    // the extra contention can slow a test but not fail one.
    maxWorkers: 2,
  },
});
