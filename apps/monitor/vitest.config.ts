import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // the Redis, end-to-end and demo tests start redis-servers and processes: one file at a time on a small machine
  // colours on, so a test can check that the budget gauge turns red
  test: { name: 'monitor', env: { FORCE_COLOR: '1' }, include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 },
});
