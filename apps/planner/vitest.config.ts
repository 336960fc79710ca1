import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // one test file starts a redis-server and one spawns the CLI: one file at a time on a small machine
  test: { name: 'planner', include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 30_000 },
});
